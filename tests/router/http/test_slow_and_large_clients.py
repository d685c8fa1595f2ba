"""Half-sent requests are closed after the header and body timeouts; one size limit for HTTP and WebSocket."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import strawberry
import websockets

from shared.graphql.app import create_service_app
from tests.router.live_server import serving

WAIT = 10.0  # how long a test waits for the server to act: far above the timeouts it sets


@contextlib.asynccontextmanager
async def _router(make_client: Callable[..., Any], **config: Any) -> AsyncIterator[str]:
    edge = config.pop("edge", {})
    async with make_client(**config) as client:
        app = client.router_app
    async with serving(app, path="/graphql", **edge) as url:
        yield url


async def _closed(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sent before closing the connection."""
    return await asyncio.wait_for(reader.read(), WAIT)


async def test_connections_that_never_finish_their_headers_are_closed(
    make_client: Callable[..., Any],
) -> None:
    async with _router(make_client, edge={"header_timeout": 0.2}) as url:
        address = urlsplit(url)
        connections = [
            await asyncio.open_connection(address.hostname, address.port) for _ in range(20)
        ]
        for index, (_, writer) in enumerate(connections):
            if index % 2:  # half of them send part of the request line and headers
                writer.write(b"POST /graphql HTTP/1.1\r\nHost: router\r\nContent-Type: app")
                await writer.drain()
        async with httpx.AsyncClient() as client:
            answer = await client.post(url, json={"query": "{ hello }"})
        closed = await asyncio.gather(*(_closed(reader) for reader, _ in connections))
        for _, writer in connections:
            writer.close()
    assert answer.json() == {"data": {"hello": "hello world"}}
    assert closed == [b""] * 20


async def test_a_body_that_stops_arriving_is_answered_408_and_closed(
    make_client: Callable[..., Any],
) -> None:
    async with _router(make_client, server={"body_timeout": 0.2}) as url:
        address = urlsplit(url)
        reader, writer = await asyncio.open_connection(address.hostname, address.port)
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: router\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"query": '
        )
        await writer.drain()
        sent = await _closed(reader)
        writer.close()
    assert sent.startswith(b"HTTP/1.1 408 ")
    assert b"connection: close" in sent.lower()
    assert b'"code":"REQUEST_TIMEOUT"' in sent


TOO_BIG = "{ hello }" + " " * (1024 * 1024)


async def test_http_bodies_and_websocket_messages_share_one_limit(
    make_client: Callable[..., Any],
) -> None:
    async with _router(make_client) as url:
        async with httpx.AsyncClient() as client:
            response = await client.post(url, json={"query": TOO_BIG})
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        ws_url = url.replace("http://", "ws://")
        async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send('{"type": "connection_init"}')
            assert "connection_ack" in str(await ws.recv())
            payload = {"query": TOO_BIG}
            await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), WAIT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


@strawberry.type
class _Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


async def test_a_subgraph_reached_directly_has_the_same_body_limit() -> None:
    app = create_service_app(
        title="probe",
        schema=strawberry.Schema(query=_Query),
        context_factory=_no_context,
    )
    async with serving(app, path="/graphql") as url, httpx.AsyncClient() as client:
        large = await client.post(url, json={"query": TOO_BIG})
        normal = await client.post(url, json={"query": "{ ping }"})
    assert large.status_code == 413
    assert large.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert normal.json() == {"data": {"ping": "pong"}}


async def _no_context(request: Any, response: Any) -> dict[str, Any]:
    return {"request": request, "response": response}
