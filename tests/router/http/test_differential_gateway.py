"""Differential: the same supergraph, subgraphs and operations through Apollo Gateway and our router.

``data`` must be identical; errors must agree on message and path (the two
routers word their ``extensions`` differently). Skipped while
``router.planner`` is not there yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.http import create_router_app
from tests.router import membership, newsroom, registry, stockroom, storefront, zoo
from tests.router.http.compose import (
    LIBRARY_SUPERGRAPH,
    MEMBERSHIP_SUPERGRAPH,
    NEWSROOM_SUPERGRAPH,
    NODE_DIR,
    REGISTRY_SUPERGRAPH,
    SHOP_SUPERGRAPH,
    STOCKROOM_SUPERGRAPH,
    STOREFRONT_SUPERGRAPH,
    ZOO_SUPERGRAPH,
)
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


# One small graph per federation feature (see each module's docstring); Apollo
# Gateway answers all of these correctly. Validation errors are left out:
# graphql-js and graphql-core word them differently (the feature's own test
# file checks them).
FEATURE_GRAPHS: dict[str, tuple[Callable[[], dict[str, Any]], Path]] = {
    "provides": (newsroom.newsroom_apps, NEWSROOM_SUPERGRAPH),
    "override": (stockroom.stockroom_apps, STOCKROOM_SUPERGRAPH),
    "inaccessible": (membership.membership_apps, MEMBERSHIP_SUPERGRAPH),
    "shareable": (storefront.storefront_apps, STOREFRONT_SUPERGRAPH),
    "keys": (registry.registry_apps, REGISTRY_SUPERGRAPH),
    "per-subgraph types": (zoo.zoo_apps, ZOO_SUPERGRAPH),
}
FEATURE_OPERATIONS = [
    ("provides", "{ comments { body author { name } editor { name handle } } }", None),
    ("provides", "{ pinned { title ... on Article { words } ... on Video { minutes } } }", None),
    (
        "provides",
        "{ latest { __typename ... on Article { title words } ... on Video { title } } }",
        None,
    ),
    ("provides", "{ latest { __typename ... on Story { id title } } }", None),
    ("override", "{ products { id name inStock sku rating } }", None),
    ("override", "{ products { name price shippingNote } }", None),
    ("override", "{ cheapest { sku price name inStock } }", None),
    ("inaccessible", "{ users { name badge score } }", None),
    ("inaccessible", "query($t: Tier) { users(tier: $t) { __typename id badge } }", {"t": "PRO"}),
    ("inaccessible", '{ __type(name: "User") { fields { name } } }', None),
    ("shareable", "{ allProducts { name price } }", None),
    ("shareable", '{ product(id: "p2") { name stock warehouse { city } } }', None),
    ("shareable", '{ product(id: "p9") { name price } }', None),
    ("shareable", "{ topReviewed { name price stock } }", None),
    ("keys", "{ users { id name bio } }", None),
    ("keys", '{ profile(email: "ada@example.com") { bio id } }', None),
    ("keys", "{ auditLog { action user { id summary card } } }", None),
    ("keys", "{ projects { id org name lastBuild } failing { name } }", None),
    ("keys", "{ repositories { name stars status owner { name card } } }", None),
    (
        "per-subgraph types",
        "{ kennel(species: DOG) { name ... on Dog { diet } } aviary { name ... on Parrot { diet } } }",
        None,
    ),
    (
        "per-subgraph types",
        "query($f: AnimalFilter) { aviary(filter: $f) { name } }",
        {"f": {"nameStartsWith": "K"}},
    ),
    (
        "per-subgraph types",
        "{ kennel { __typename name ... on Dog { chasesBirds } ... on Parrot { words } } }",
        None,
    ),
    (
        "per-subgraph types",
        "{ visitors { __typename ... on Dog { name chasesBirds } ... on Cat { indoor } ... on Parrot { words } } }",
        None,
    ),
    ("per-subgraph types", "{ visitors { __typename ... on Animal { id name } } }", None),
    (
        "per-subgraph types",
        "{ kennelResidents { __typename ... on Parrot { words } ... on Cat { name } ... on Dog { name chasesBirds } } }",
        None,
    ),
]


@pytest.fixture(scope="module")
async def feature_graphs() -> AsyncIterator[Callable[[str], Awaitable[Pair]]]:
    """Both routers over a feature graph, started the first time a case asks for it."""
    started: dict[str, Pair] = {}
    async with contextlib.AsyncExitStack() as stack:

        async def pair(name: str) -> Pair:
            if name not in started:
                apps, supergraph = FEATURE_GRAPHS[name]
                started[name] = await stack.enter_async_context(
                    gateway_and_router(apps(), supergraph)
                )
            return started[name]

        yield pair


@pytest.mark.parametrize(
    ("graph", "query", "variables"),
    FEATURE_OPERATIONS,
    ids=[f"{graph}: {query}" for graph, query, _ in FEATURE_OPERATIONS],
)
async def test_feature_graphs_answer_like_apollo_gateway(
    feature_graphs: Callable[[str], Awaitable[Pair]], graph: str, query: str, variables: Any
) -> None:
    await _same_answer(await feature_graphs(graph), query, variables)
