"""Differential: the same supergraph, subgraphs and operations through Apollo Gateway and our router.

``data`` must be identical; errors must agree on message and path (the two
routers word their ``extensions`` differently). Skipped while
``router.planner`` is not there yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.http import create_router_app
from tests.router.http.compose import LIBRARY_SUPERGRAPH, NODE_DIR, SHOP_SUPERGRAPH
from tests.router.http.live_federation import router_config, serve_subgraphs
from tests.router.library import library_apps
from tests.router.live_server import serving
from tests.router.shop import shop_apps

pytest.importorskip("router.planner")

pytestmark = pytest.mark.node

SHOP_OPERATIONS = [
    ("{ topProducts { name price } }", None),
    ("{ topProducts(first: 2) { title: name inStock shippingEstimate } }", None),
    ("{ topProducts { name reviews { body author { username name } } } }", None),
    (
        "query($id: ID!) { user(id: $id) { username reviews { body product { name } } } }",
        {"id": "2"},
    ),
    ('{ product(upc: "9") { name } me { __typename id } }', None),
    ("{ latestReviews { body product { name shippingEstimate } author { name } } }", None),
    (
        "query($withReviews: Boolean!) { me { username reviews @include(if: $withReviews) { body } } }",
        {"withReviews": False},
    ),
    (
        "query($withReviews: Boolean!) { me { username reviews @include(if: $withReviews) { body } } }",
        {"withReviews": True},
    ),
    (
        '{ search(term: "a") { __typename ... on Product { name shippingEstimate } ... on User { username } } }',
        None,
    ),
    (
        'query { search(term: "ch") { ...Named } } fragment Named on SearchResult { ... on Product { n: name reviews { body } } }',
        None,
    ),
    ("query($first: Int! = 1) { topProducts(first: $first) { upc p: price } me { name } }", {}),
]
LIBRARY_OPERATIONS = [
    ("{ media { __typename title rating } }", None),
    ("{ topRated { __typename id rating } }", None),
    ("{ topRated(first: 3) { title ... on Book { pages } ... on Film { minutes } rating } }", None),
]


@contextlib.asynccontextmanager
async def apollo_gateway(supergraph: Path, overrides: dict[str, str]) -> AsyncIterator[str]:
    process = await asyncio.create_subprocess_exec(
        "node",
        str(NODE_DIR / "gateway_server.mjs"),
        str(supergraph),
        json.dumps(overrides),
        cwd=NODE_DIR,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        if not line:
            raise RuntimeError("the Apollo Gateway server exited before listening")
        yield line.decode().strip()
    finally:
        process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), 10)
        except TimeoutError:
            process.kill()
            await process.wait()


Pair = tuple[httpx.AsyncClient, httpx.AsyncClient]


@contextlib.asynccontextmanager
async def gateway_and_router(apps: dict[str, Any], supergraph: Path) -> AsyncIterator[Pair]:
    """Both routers over the same subgraphs, each served on its own port."""
    async with contextlib.AsyncExitStack() as stack:
        urls = await serve_subgraphs(stack, apps)
        gateway_url = await stack.enter_async_context(apollo_gateway(supergraph, urls))
        config = router_config(supergraph, urls)
        router_url = await stack.enter_async_context(serving(create_router_app(config)))
        gateway = await stack.enter_async_context(
            httpx.AsyncClient(base_url=gateway_url, timeout=10)
        )
        router = await stack.enter_async_context(httpx.AsyncClient(base_url=router_url, timeout=10))
        yield gateway, router


@pytest.fixture(scope="module")
async def shop() -> AsyncIterator[Pair]:
    async with gateway_and_router(shop_apps(), SHOP_SUPERGRAPH) as pair:
        yield pair


@pytest.fixture(scope="module")
async def library() -> AsyncIterator[Pair]:
    async with gateway_and_router(library_apps(), LIBRARY_SUPERGRAPH) as pair:
        yield pair


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    errors = [(e.get("message"), e.get("path")) for e in body.get("errors", [])]
    return {"data": body.get("data"), "errors": sorted(errors, key=str)}


async def _same_answer(pair: Pair, query: str, variables: Any) -> None:
    gateway, router = pair
    payload = {"query": query, "variables": variables}
    expected = (await gateway.post("/", json=payload)).json()
    actual = (await router.post("/graphql", json=payload)).json()
    assert _comparable(actual) == _comparable(expected)


@pytest.mark.parametrize(
    ("query", "variables"), SHOP_OPERATIONS, ids=[q for q, _ in SHOP_OPERATIONS]
)
async def test_shop_answers_like_apollo_gateway(shop: Pair, query: str, variables: Any) -> None:
    await _same_answer(shop, query, variables)


@pytest.mark.parametrize(
    ("query", "variables"),
    LIBRARY_OPERATIONS,
    ids=["media", "topRated typename", "topRated fragments"],
)
async def test_interface_objects_answer_like_apollo_gateway(
    library: Pair, query: str, variables: Any
) -> None:
    await _same_answer(library, query, variables)
