"""The plan cache is bounded in bytes, and long operations are planned without being cached."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from graphql import GraphQLError, SourceLocation, parse

from router.config import parse_config
from router.http import create_router_app
from router.http.live_graph import LiveGraph
from router.http.plan_size import compact, estimated_bytes
from router.plan import QueryPlan
from router.prepare import CacheKey, PlanCache, Prepared
from router.transport import AsgiTransport
from tests.router.http.compose import SHOP_SUPERGRAPH
from tests.router.shop import shop_apps


@contextlib.asynccontextmanager
async def _router(tmp_path: Path, **limits: int) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
    supergraph = tmp_path / "shop.graphql"
    shutil.copy(SHOP_SUPERGRAPH, supergraph)
    config = dataclasses.replace(parse_config({"limits": limits}), supergraph=supergraph)
    app = create_router_app(config, transport=AsgiTransport(shop_apps()))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://router.test"
    ) as client:
        yield client, app.state.live_graph


def _distinct(index: int) -> str:
    """A distinct valid operation of about 350 bytes: its own aliases of the same fields."""
    fields = " ".join(f"n{index}_{i}: name" for i in range(25))
    return f"query Q{index} {{ topProducts(first: 1) {{ {fields} }} }}"


async def test_distinct_operations_never_hold_more_than_the_byte_budget(tmp_path: Path) -> None:
    async with _router(tmp_path, plan_cache_bytes=400_000, max_aliases=100) as (client, live):
        assert isinstance(live, LiveGraph)
        sizes = []
        for index in range(40):
            response = await client.post("/graphql", json={"query": _distinct(index)})
            assert response.json()["data"]["topProducts"][0][f"n{index}_0"] == "Table"
            sizes.append(live.cache.bytes)
            assert live.cache.bytes <= 400_000
    assert 5 < len(live.cache) < 40  # some plans were evicted for bytes, not for count
    assert max(sizes) > 400_000 * 0.8


async def test_an_operation_over_the_size_limit_is_answered_but_not_cached(
    tmp_path: Path,
) -> None:
    long = _distinct(0)
    async with _router(tmp_path, max_cached_operation_bytes=len(long) - 1, max_aliases=100) as (
        client,
        live,
    ):
        for _ in range(2):
            response = await client.post("/graphql", json={"query": long})
            assert response.json()["data"]["topProducts"][0]["n0_0"] == "Table"
        assert len(live.cache) == 0
        await client.post("/graphql", json={"query": "{ topProducts { name } }"})
        assert len(live.cache) == 1


def _plan(query: str) -> Prepared:
    return Prepared(parse(query), parse(query).definitions[0].operation, QueryPlan(None))  # type: ignore[attr-defined]


def test_the_estimate_grows_with_the_operation() -> None:
    small, large = _plan(_distinct(1)), _plan(_distinct(1).replace("name", "name name"))
    assert estimated_bytes(small) > len(_distinct(1))
    assert estimated_bytes(large) > estimated_bytes(small)


def test_the_least_recently_used_plans_go_first_and_an_oversized_one_is_not_kept() -> None:
    cache = PlanCache(capacity=100, max_bytes=300)
    keys = [CacheKey(f"q{i}", None, "v1") for i in range(4)]
    plan = _plan("{ a }")
    for key in keys[:3]:
        cache.put(key, plan, 100)
    assert cache.get(keys[0]) is plan  # now the most recently used
    cache.put(keys[3], plan, 100)
    assert [cache.get(k) is not None for k in keys] == [True, False, True, True]
    assert cache.bytes == 300
    cache.put(CacheKey("huge", None, "v1"), plan, 301)
    assert cache.get(CacheKey("huge", None, "v1")) is None
    assert cache.bytes == 300
    cache.put(keys[3], plan, 50)  # replacing an entry counts its new size only
    assert cache.bytes == 250
    cache.drop_version("v1")
    assert (len(cache), cache.bytes) == (0, 0)


def test_a_compacted_document_is_smaller_and_still_locates_errors() -> None:
    query = "{\n  me { id }\n  oops: me { nope }\n}"
    document = parse(query)
    before = estimated_bytes(document)
    compact(document)
    assert estimated_bytes(document) < before * 0.8
    oops = document.definitions[0].selection_set.selections[1]  # type: ignore[attr-defined]
    assert GraphQLError("x", oops).locations == [SourceLocation(3, 3)]
