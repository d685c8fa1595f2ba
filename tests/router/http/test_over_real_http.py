"""The router and its subgraph over real sockets on 127.0.0.1: aiohttp transport, lifespan, file watcher."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from pathlib import Path

import httpx

from router.config import parse_config
from router.http import create_router_app
from shared.direct_http import Answer, HttpRequest
from tests.router.http.edge import EDGE_SDL, RootFieldFront, edge_app
from tests.router.live_server import serving


def _write(path: Path, text: str) -> None:
    stat = path.stat()
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


async def test_the_router_serves_over_http_and_picks_up_a_new_supergraph(
    supergraph_file: Path,
) -> None:
    async with serving(edge_app(), path="/graphql") as edge_url:
        config = parse_config(
            {
                "router": {"poll_interval": 0.05, "timeout": 5},
                "subgraphs": {"edge": {"url": edge_url}},
            }
        )
        config = dataclasses.replace(config, supergraph=supergraph_file)
        app = create_router_app(config, front=RootFieldFront())
        async with (
            serving(app) as router_url,
            httpx.AsyncClient(base_url=router_url, timeout=5) as client,
        ):
            response = await client.post(
                "/graphql",
                json={"query": "{ hello headers }"},
                headers={
                    "authorization": "Bearer real",
                    "accept": "application/graphql-response+json",
                },
            )
            assert response.status_code == 200
            assert response.json() == {
                "data": {"hello": "hello world", "headers": ["authorization=Bearer real"]}
            }
            version = (await client.get("/health")).json()["supergraphVersion"]

            _write(supergraph_file, EDGE_SDL + "\nextend type Query { extra: Int }\n")
            for _ in range(100):
                if (await client.get("/health")).json()["supergraphVersion"] != version:
                    break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the watcher did not load the new supergraph")
            again = await client.post("/graphql", json={"query": "{ hello }"})
            assert again.json() == {"data": {"hello": "hello world"}}


async def test_a_post_answered_past_asgi_gets_what_the_asgi_way_gives(
    supergraph_file: Path,
) -> None:
    """``POST /graphql`` is answered by the server's protocol itself (:mod:`shared.direct_http`);
    the same request asking for parts, which only the ASGI way serves, gets the same answer."""
    async with serving(edge_app(), path="/graphql") as edge_url:
        config = parse_config(
            {"subgraphs": {"edge": {"url": edge_url}}, "cors": {"origins": ["*"]}}
        )
        app = create_router_app(
            dataclasses.replace(config, supergraph=supergraph_file), front=RootFieldFront()
        )
        route = app.direct_route
        assert route is not None
        direct: list[bytes] = []

        async def counted(request: HttpRequest) -> Answer:
            direct.append(request.body)
            return await route.answer(request)

        app._direct = dataclasses.replace(route, answer=counted)
        async with (
            serving(app) as router_url,
            httpx.AsyncClient(base_url=router_url, timeout=5) as client,
        ):
            asked = []
            for accept in ("application/json", "application/json, multipart/mixed"):
                asked.append(
                    await client.post(
                        "/graphql",
                        json={"query": "{ hello }"},
                        headers={"accept": accept, "x-request-id": "r-1"},
                    )
                )
            assert len(direct) == 1
            assert [r.status_code for r in asked] == [200, 200]
            assert asked[0].content == asked[1].content == b'{"data":{"hello":"hello world"}}'
            assert dict(asked[0].headers.items()).keys() == dict(asked[1].headers.items()).keys()
            for name in ("content-type", "x-request-id", "vary", "server"):
                assert asked[0].headers[name] == asked[1].headers[name]
            assert asked[0].headers["x-request-id"] == "r-1"
