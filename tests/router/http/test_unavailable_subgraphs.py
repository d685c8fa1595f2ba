"""A subgraph that cannot be reached is SUBGRAPH_UNAVAILABLE to the client, its reason only in the log."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import shutil
import socket
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from router.config import parse_config
from router.http import create_router_app
from tests.router.http.compose import SHOP_SUPERGRAPH
from tests.support.net import free_port


@contextlib.asynccontextmanager
async def _resetting_server() -> AsyncIterator[int]:
    """Accepts, reads, then resets the connection (RST, ``[Errno 104]`` at the client)."""

    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    server = await asyncio.start_server(reset, "127.0.0.1", 0)
    async with server:
        yield int(server.sockets[0].getsockname()[1])


@pytest.mark.parametrize("mode", ["pass", "mask"])
async def test_connection_failures_never_reach_the_client(
    tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    supergraph = tmp_path / "shop.graphql"
    shutil.copy(SHOP_SUPERGRAPH, supergraph)
    async with _resetting_server() as reset_port:
        raw = {
            "router": {"errors": mode},
            "subgraphs": {
                "products": {"url": f"http://127.0.0.1:{free_port()}/graphql"},
                "accounts": {"url": f"http://127.0.0.1:{reset_port}/graphql"},
            },
        }
        config = dataclasses.replace(parse_config(raw), supergraph=supergraph)
        app = create_router_app(config)
        caplog.set_level(logging.WARNING, logger="router.execution")
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://router.test"
            ) as client,
        ):
            response = await client.post(
                "/graphql",
                json={"query": "{ topProducts { name } me { id } }"},
                headers={"x-request-id": "req-42"},
            )
    body = response.json()
    assert body["data"] is None
    errors = sorted(
        (
            {"message": e["message"], "extensions": e["extensions"]}
            for e in body["errors"]
            if "serviceName" in e["extensions"]
        ),
        key=lambda e: e["extensions"]["serviceName"],
    )
    assert errors == [
        {
            "message": "The accounts service is unavailable right now: try again shortly.",
            "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "serviceName": "accounts"},
        },
        {
            "message": "The products service is unavailable right now: try again shortly.",
            "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "serviceName": "products"},
        },
    ]
    # The nulls the missing answers leave are the router's own reports, coded as such.
    assert {
        e["extensions"]["code"] for e in body["errors"] if "serviceName" not in e["extensions"]
    } == {"DOWNSTREAM_SERVICE_ERROR"}
    for leak in ("127.0.0.1", "Errno", "Cannot connect", "reset", "refused"):
        assert leak not in response.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged.count("request req-42: subgraph") == 2
    assert "Connect call failed" in logged or "Cannot connect" in logged
