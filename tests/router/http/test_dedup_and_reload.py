"""Identical in-flight queries reach the subgraph once; the supergraph reloads without dropping service."""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path

import httpx

from router.prepare import CacheKey
from tests.router.http.edge import EDGE_SDL


async def test_identical_concurrent_requests_reach_the_subgraph_once(
    client: httpx.AsyncClient, edge_calls
) -> None:
    before = edge_calls.slow
    responses = await asyncio.gather(
        *(
            client.post(
                "/graphql", json={"query": "{ slow(n: 7) }"}, headers={"x-request-id": str(i)}
            )
            for i in range(5)
        )
    )
    assert {r.json()["data"]["slow"] for r in responses} == {7}
    assert edge_calls.slow - before == 1


async def test_dedup_can_be_turned_off(make_client, edge_calls) -> None:
    async with make_client(router={"dedup": False}) as client:
        before = edge_calls.slow
        await asyncio.gather(
            *(client.post("/graphql", json={"query": "{ slow(n: 8) }"}) for _ in range(3))
        )
        assert edge_calls.slow - before == 3


def _rewrite(path: Path, text: str) -> None:
    # Bump the mtime explicitly: two writes within one clock tick must still count as a change.
    stat = path.stat()
    path.write_text(text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


async def test_a_changed_supergraph_is_swapped_in_with_its_plans_rewarmed(
    make_client, supergraph_file: Path
) -> None:
    async with make_client() as client:
        live = client.router_app.state.live_graph
        old_version = live.current.version
        assert (await client.post("/graphql", json={"query": "{ hello }"})).status_code == 200

        _rewrite(
            supergraph_file, EDGE_SDL.replace("slow(n: Int!): Int", "slow(n: Int!): Int added: Int")
        )
        assert await live.reload_if_changed()

        assert live.current.version != old_version
        assert live.cache.get(CacheKey("{ hello }", None, live.current.version)) is not None
        health = await client.get("/health")
        assert health.json()["supergraphVersion"] == live.current.version
        # The new field passes the router's validation (the stand-in subgraph lacks it).
        added = (await client.post("/graphql", json={"query": "{ added }"})).json()
        assert added["data"] == {"added": None}
        assert added["errors"][0]["extensions"] == {
            "code": "DOWNSTREAM_SERVICE_ERROR",
            "serviceName": "edge",
        }


async def test_a_bad_supergraph_file_is_logged_and_the_old_one_kept(
    make_client, supergraph_file: Path, caplog
) -> None:
    async with make_client() as client:
        live = client.router_app.state.live_graph
        old_version = live.current.version
        _rewrite(supergraph_file, "type Query {")
        with caplog.at_level(logging.ERROR, logger="router.http"):
            assert not await live.reload_if_changed()
        assert live.current.version == old_version
        assert "keeping version" in caplog.text
        response = await client.post("/graphql", json={"query": "{ hello }"})
        assert response.json() == {"data": {"hello": "hello world"}}
        # Unchanged since the failed attempt: no retry, no new log line.
        assert not await live.reload_if_changed()


async def test_a_burst_of_one_new_operation_is_planned_once(make_client) -> None:
    async with make_client() as client:
        live = client.router_app.state.live_graph
        calls = []
        prepare = live._front.prepare

        def counting(*args, **kwargs):
            calls.append(args[1])
            return prepare(*args, **kwargs)

        live._front.prepare = counting
        query = '{ hello(name: "burst") }'
        responses = await asyncio.gather(
            *(client.post("/graphql", json={"query": query}) for _ in range(5))
        )
        assert {r.json()["data"]["hello"] for r in responses} == {"hello burst"}
        assert calls == [query]
