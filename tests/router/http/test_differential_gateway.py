"""Differential: the same supergraph, subgraphs and operations through Apollo Gateway and our router.

``data`` must be identical, and so must every error as a whole: message,
path, locations and extensions (the subgraph's own, ``serviceName``, the
code). ``_comparable`` names the one difference normalised. Where Apollo
Gateway is wrong, the case says why and asserts the correct answer instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.http import create_router_app
from tests.router import (
    aisles,
    atlas,
    bazaar,
    beacons,
    bounce,
    catalogue,
    couriers,
    dispatch,
    fleet,
    gallery,
    lobby,
    lookouts,
    mailroom,
    membership,
    newsroom,
    printshop,
    racks,
    registry,
    screening,
    shelf,
    stalls,
    stockroom,
    storefront,
    wings,
    workshop,
    zoo,
)
from tests.router.boutiques import OPERATIONS as BOUTIQUE_OPERATIONS
from tests.router.boutiques import boutique_apps
from tests.router.fed1_shop import fed1_shop_apps
from tests.router.http.compose import (
    AISLES_SUPERGRAPH,
    ATLAS_SUPERGRAPH,
    BAZAAR_SUPERGRAPH,
    BEACONS_SUPERGRAPH,
    BOUNCE_SUPERGRAPH,
    BOUTIQUES_SUPERGRAPH,
    CATALOGUE_SUPERGRAPH,
    COURIERS_SUPERGRAPH,
    DISPATCH_SUPERGRAPH,
    FED1_SHOP_SUPERGRAPHS,
    FLEET_SUPERGRAPH,
    GALLERY_SUPERGRAPH,
    LIBRARY_SUPERGRAPH,
    LOBBY_SUPERGRAPH,
    LOOKOUTS_SUPERGRAPH,
    MAILROOM_SUPERGRAPH,
    MEMBERSHIP_SUPERGRAPH,
    NEWSROOM_SUPERGRAPH,
    NODE_DIR,
    PRINTSHOP_SUPERGRAPH,
    RACKS_SUPERGRAPH,
    REGISTRY_SUPERGRAPH,
    SCREENING_SUPERGRAPH,
    SHELF_SUPERGRAPH,
    SHOP_SUPERGRAPH,
    STALLS_SUPERGRAPH,
    STOCKROOM_SUPERGRAPH,
    STOREFRONT_SUPERGRAPH,
    WINGS_SUPERGRAPH,
    WORKSHOP_SUPERGRAPH,
    ZOO_SUPERGRAPH,
)
from tests.router.http.live_federation import router_config, serve_subgraphs
from tests.router.library import library_apps
from tests.router.live_server import serving
from tests.router.shop import shop_apps

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
# Federation 1 supergraphs (join v0.1 and v0.2): extension types, @requires, @provides, value
# types defined in two subgraphs, __typename, aliases, fragments.
FED1_OPERATIONS = [
    (
        "query Top($first: Int = 3) { topProducts(first: $first) { upc title: name inStock shippingEstimate reviews { body author { username name } } } }",
        None,
    ),
    ("query($id: ID!) { review(id: $id) { product { name shippingEstimate } } }", {"id": "r3"}),
    ("{ latestReviews { body author { username } } }", None),
    (
        "{ me { username address { city country } } warehouses { name address { city } manager { username address { city } } } }",
        None,
    ),
    (
        "query Shaped { __typename best: topProducts(first: 1) { kind: __typename ...Shipping } warehouses { __typename ... on Warehouse { where: address { __typename town: city } } } } fragment Shipping on Product { upc estimate: shippingEstimate ... on Product { stock: inStock } }",
        None,
    ),
    (
        "query($id: ID!) { user(id: $id) { username reviews { body product { name inStock reviews { author { name } } } } } }",
        {"id": "2"},
    ),
    ('{ product(upc: "2") { __typename upc ... on Product { weight reviews { id } } } }', None),
]
# Errors, compared whole (tests/router/fed1_shop.py says which fields fail on purpose).
ERROR_OPERATIONS = [
    pytest.param(
        "{ topProducts(first: 2) { name reviews { body moderatorNote } } }",
        None,
        id="subgraph error with its own extensions at a nested path",
    ),
    pytest.param(
        '{ review(id: "r1") { body moderatorNote } }', None, id="subgraph error in a root fetch"
    ),
    pytest.param(
        "{ topProducts { name stockLevel } }",
        None,
        id="subgraph error without a code, its non-null field nulling the entity",
    ),
    pytest.param("{ topProducts { nom } }", None, id="validation error"),
    pytest.param(
        "{ me { ... on Product { name } } }", None, id="validation error in a fragment spread"
    ),
    pytest.param("{ topProducts { name ", None, id="parse error"),
    pytest.param(
        "query($first: Int) { topProducts(first: $first) { name } }",
        {"first": "two"},
        id="variable of the wrong type",
    ),
    pytest.param("query($id: ID!) { user(id: $id) { name } }", {}, id="missing required variable"),
    pytest.param(
        "query($first: Int!, $id: ID!) { topProducts(first: $first) { name } user(id: $id) { name } }",
        {"first": None},
        id="null and missing non-null variables",
    ),
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


@pytest.fixture(scope="module", params=sorted(FED1_SHOP_SUPERGRAPHS))
async def fed1_shop(request: pytest.FixtureRequest) -> AsyncIterator[Pair]:
    async with gateway_and_router(fed1_shop_apps(), FED1_SHOP_SUPERGRAPHS[request.param]) as pair:
        yield pair


# Errors the GraphQL library itself makes are worded by graphql-core 3.3 on our side and by
# graphql-js 16 on Apollo's: graphql-core quotes names with ' where graphql-js uses ", and words
# variable coercion errors as graphql-js 17 does ('Variable "$x" has invalid value: ...' for
# '... got invalid value ...; ...', '... of required type ... was not provided.', ...). For those
# codes only, quotes are made alike and a variable error's message is kept up to the variable
# it names; everything else about the error is compared as it is.
_LIBRARY_WORDED = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}
_VARIABLE_NAMED = re.compile(r'^Variable "\$\w+"')


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    errors = [_comparable_error(e) for e in body.get("errors", [])]
    return {
        "data": body.get("data"),
        "has data": "data" in body,
        "errors": sorted(errors, key=lambda e: json.dumps(e, sort_keys=True)),
    }


def _comparable_error(error: dict[str, Any]) -> dict[str, Any]:
    code = (error.get("extensions") or {}).get("code")
    if code not in _LIBRARY_WORDED:
        return error
    message = error["message"].replace("'", '"')
    if code == "BAD_USER_INPUT" and (named := _VARIABLE_NAMED.match(message)):
        message = named[0]
    return {**error, "message": message}


async def _both_answers(pair: Pair, query: str, variables: Any) -> tuple[Any, Any]:
    gateway, router = pair
    payload = {"query": query, "variables": variables}
    apollo = (await gateway.post("/", json=payload)).json()
    ours = (await router.post("/graphql", json=payload)).json()
    return apollo, ours


async def _same_answer(pair: Pair, query: str, variables: Any) -> None:
    expected, actual = await _both_answers(pair, query, variables)
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


@pytest.mark.parametrize(
    ("query", "variables"),
    FED1_OPERATIONS,
    ids=["hops", "requires", "provides", "value types", "shaping", "extensions", "fragments"],
)
async def test_federation_1_supergraphs_answer_like_apollo_gateway(
    fed1_shop: Pair, query: str, variables: Any
) -> None:
    await _same_answer(fed1_shop, query, variables)


@pytest.mark.parametrize(("query", "variables"), ERROR_OPERATIONS)
async def test_errors_are_shaped_like_apollo_gateway(
    fed1_shop: Pair, query: str, variables: Any
) -> None:
    await _same_answer(fed1_shop, query, variables)


async def test_a_null_entity_in_a_non_null_position_is_a_field_error(fed1_shop: Pair) -> None:
    # Review r9 points at a product the products subgraph does not know: the entity comes back
    # null, which adds nothing to the product, so its non-null name is null and the error
    # bubbles up through the non-null Review.product to the review. Apollo Gateway nulls the
    # same data, at the same path, but reports the violation only in
    # extensions.valueCompletion, never in errors, which the spec requires of every field error.
    # Like every error the router makes, it carries a code.
    query = '{ review(id: "r9") { body product { name } } }'
    apollo, ours = await _both_answers(fed1_shop, query, None)
    assert ours == {
        "data": {"review": None},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Product.name.",
                "locations": [{"line": 1, "column": 37}],
                "path": ["review", "product", "name"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
            }
        ],
    }
    assert apollo["data"] == ours["data"]
    assert "errors" not in apollo, "Apollo now reports it in errors: compare it as usual"
    (completion,) = apollo["extensions"]["valueCompletion"]
    assert completion["path"] == ours["errors"][0]["path"]


async def test_several_operations_without_a_name_are_the_clients_mistake(
    fed1_shop: Pair,
) -> None:
    # Apollo Gateway answers HTTP 500 with INVALID_GRAPHQL, a composition code and no
    # locations, for what is a mistake in the request.
    query = "query A { me { id } } query B { me { username } }"
    apollo, ours = await _both_answers(fed1_shop, query, None)
    assert ours == {
        "errors": [
            {
                "message": "Must provide operation name if query contains multiple operations.",
                "locations": [{"line": 1, "column": 1}, {"line": 1, "column": 23}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert _comparable(apollo) != _comparable(ours), "Apollo agrees now: compare it as usual"


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
    "null entities": (shelf.shelf_apps, SHELF_SUPERGRAPH),
    "hidden enum values": (dispatch.dispatch_apps, DISPATCH_SUPERGRAPH),
    "external keys": (catalogue.catalogue_apps, CATALOGUE_SUPERGRAPH),
    "interface object values": (gallery.gallery_apps, GALLERY_SUPERGRAPH),
    "shareable unions": (racks.racks_apps, RACKS_SUPERGRAPH),
    "local field types": (atlas.atlas_apps, ATLAS_SUPERGRAPH),
    "requires bounce": (bounce.bounce_apps, BOUNCE_SUPERGRAPH),
    "aisles": (aisles.aisle_apps, AISLES_SUPERGRAPH),
    "bazaar": (bazaar.bazaar_apps, BAZAAR_SUPERGRAPH),
    "beacons": (beacons.beacon_apps, BEACONS_SUPERGRAPH),
    "couriers": (couriers.courier_apps, COURIERS_SUPERGRAPH),
    "fleet": (fleet.fleet_apps, FLEET_SUPERGRAPH),
    "lobby": (lobby.lobby_apps, LOBBY_SUPERGRAPH),
    "lookouts": (lookouts.lookout_apps, LOOKOUTS_SUPERGRAPH),
    "mailroom": (mailroom.mailroom_apps, MAILROOM_SUPERGRAPH),
    "printshop": (printshop.printshop_apps, PRINTSHOP_SUPERGRAPH),
    "screening": (screening.screening_apps, SCREENING_SUPERGRAPH),
    "stalls": (stalls.stall_apps, STALLS_SUPERGRAPH),
    "wings": (wings.wing_apps, WINGS_SUPERGRAPH),
    "workshop": (workshop.workshop_apps, WORKSHOP_SUPERGRAPH),
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
    ("null entities", "{ picks { note book { isbn blurb } } }", None),
    ("null entities", "{ picks { book { isbn price } } }", None),
    ("hidden enum values", "{ orders { id } carrier }", None),
    ("external keys", "{ topReviewed { id name reviews } }", None),
    ("external keys", "{ topReviewed { sku reviews } }", None),
    ("interface object values", "{ popular { id visitors ... on Exhibit { v: visitors } } }", None),
    (
        "interface object values",
        "{ popular { __typename visitors ... on Painting { artist } } }",
        None,
    ),
    ("interface object values", "{ rooms { id visitors } }", None),
    (
        "shareable unions",
        "{ shelf { items { ... on Book { title } ... on Film { minutes } ... on Magazine { issue } } } }",
        None,
    ),
    (
        "shareable unions",
        "{ archive { label } shelf { items { __typename ... on Book { title } ... on Film { id } } } }",
        None,
    ),
    ("shareable unions", "{ archive { items { ... on Magazine { issue } } } }", None),
    ("local field types", "{ spots { ... on Place { rating } ... on Venue { rating } } }", None),
    (
        "local field types",
        "{ places { landmark { __typename ... on Tower { name } ... on Bridge { span } } } }",
        None,
    ),
    (
        "local field types",
        "{ spots { ... on Venue { id rating } ... on Place { id tip rating } } }",
        None,
    ),
    ("couriers", "{ shipments { parcel { code courier { name } } } }", None),
    ("fleet", "{ depot { id vans { vin nickname label } } }", None),
    ("aisles", "{ items { id shelf { id label details { slots } } } }", None),
    ("workshop", '{ job(id: "7") { id title phase { id name memo } } }', None),
    (
        "stalls",
        "{ topPicks { items { id gid cost { amount } maker { flagship { id } id tag } } chosen { id } first { id } } }",
        None,
    ),
    ("bazaar", "{ stalls { id sign { text } aisle { number } till { cents currency } } }", None),
    (
        "lobby",
        "{ guests { id name } visitors { ... on Guest { id name } ... on Host { id name } } }",
        None,
    ),
    (
        "mailroom",
        '{ member: entry(id: "m1") { __typename ... on Thread { id } } thread: entry(id: "t1") { ... on Thread { id subject } } }',
        None,
    ),
    (
        "wings",
        "{ reader { novel { __typename ... on Novel { title northTitle southTitle } } poem { ... on Poem { title } } } }",
        None,
    ),
    ("wings", "{ northWork { ... on Play { title southTitle } } }", None),
    ("screening", "{ programme { id reel { id ... on Clip { length maker } } } }", None),
    (
        "printshop",
        "{ items { id notes { item { id ... on Comic { issuer { ... on Studio { id name } ... on Solo { email } } } } } } }",
        None,
    ),
    ("beacons", "{ harbor @tone(pitch: HIGH) beacons { name signal @tone(pitch: LOW) } }", None),
    (
        "lookouts",
        'query Night @watch(by: "night") { towers { harborWatch lighthouseWatch } lighthouseWatch }',
        None,
    ),
    ("lookouts", '{ ... @watch(by: "root") { harborWatch lighthouseWatch } }', None),
    (
        "lookouts",
        'query($by: String!) { towers { ... @watch(by: $by) { harborWatch } ...N @watch(by: "b") } }'
        " fragment N on Tower { name harborWatch }",
        {"by": "a"},
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


# @context / @fromContext. Apollo Gateway cannot be the reference here: it refuses to load any
# supergraph linking https://specs.apollo.dev/context/v0.1 ("is for: SECURITY but is
# unsupported"; only Apollo Router executes contextual arguments), so the first test pins that
# refusal and the others check our router, over real HTTP, against the known correct answers.


@pytest.fixture(scope="module")
async def boutiques() -> AsyncIterator[httpx.AsyncClient]:
    async with contextlib.AsyncExitStack() as stack:
        urls = await serve_subgraphs(stack, boutique_apps())
        config = router_config(BOUTIQUES_SUPERGRAPH, urls)
        base_url = await stack.enter_async_context(serving(create_router_app(config)))
        yield await stack.enter_async_context(httpx.AsyncClient(base_url=base_url, timeout=10))


def test_apollo_gateway_refuses_a_supergraph_with_contexts() -> None:
    if shutil.which("node") is None or not (NODE_DIR / "node_modules" / "@apollo").exists():
        pytest.skip("node and tests/node/node_modules are needed to start Apollo Gateway")
    completed = subprocess.run(
        ["node", str(NODE_DIR / "gateway_server.mjs"), str(BOUTIQUES_SUPERGRAPH)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=NODE_DIR,
        timeout=60,
        check=False,
    )
    assert completed.returncode != 0
    assert "context/v0.1 is for: SECURITY but is unsupported" in completed.stderr


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [(query, variables, expected) for _, query, variables, expected in BOUTIQUE_OPERATIONS],
    ids=[label for label, *_ in BOUTIQUE_OPERATIONS],
)
async def test_contexts_answer_correctly_where_apollo_gateway_cannot_serve_them(
    boutiques: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None,
    expected: dict[str, Any],
) -> None:
    response = await boutiques.post("/graphql", json={"query": query, "variables": variables})
    assert response.json() == {"data": expected}


@pytest.mark.parametrize(
    ("graph", "query"),
    [
        ("null entities", "{ picks { note book { isbn title } } }"),
        ("hidden enum values", "{ orders { id status lastStatus } }"),
        ("hidden enum values", "{ orders { id state } }"),
    ],
)
async def test_completion_errors_are_field_errors_where_apollo_hides_them(
    feature_graphs: Callable[[str], Awaitable[Pair]], graph: str, query: str
) -> None:
    # A non-null field missing from a null entity, and an enum value the API schema lacks:
    # Apollo Gateway nulls the same data but reports each error only in
    # extensions.valueCompletion, never in errors, which the spec requires of field errors.
    apollo, ours = await _both_answers(await feature_graphs(graph), query, None)
    assert apollo["data"] == ours["data"]
    assert "errors" not in apollo, "Apollo now reports them in errors: compare them as usual"
    completions = apollo["extensions"]["valueCompletion"]
    assert [e["path"] for e in completions] == [e["path"] for e in ours["errors"]]


async def test_a_requirement_back_into_the_requiring_subgraph_where_apollo_skips_it(
    feature_graphs: Callable[[str], Awaitable[Pair]],
) -> None:
    # sizing computes size from count, which only warehouse answers. Apollo Gateway reads count
    # from sizing's own root fetch (where it is @external: sizing's placeholder -1), so every
    # volume comes out (-1 * 10) ** 2 = 100; the router asks warehouse, sizing, warehouse.
    apollo, ours = await _both_answers(
        await feature_graphs("requires bounce"), "{ crates { id volume } }", None
    )
    right = {"crates": [{"id": "c1", "volume": 900}, {"id": "c2", "volume": 2500}]}
    assert ours == {"data": right}
    assert apollo["data"] != right, "Apollo agrees now: compare it as usual"


async def test_a_fragment_directive_reaches_entity_fetches_where_apollo_drops_it(
    feature_graphs: Callable[[str], Awaitable[Pair]],
) -> None:
    # The fragment's lighthouseWatch is fetched by an _entities request. Apollo Gateway keeps
    # @watch only in the fetch the fragment sits in (harbor's); the router sends it with every
    # field the fragment holds, as it does a field's own directives.
    apollo, ours = await _both_answers(
        await feature_graphs("lookouts"),
        '{ towers { ... @watch(by: "w") { harborWatch lighthouseWatch } } }',
        None,
    )
    assert ours == {"data": {"towers": [{"harborWatch": ["w"], "lighthouseWatch": ["w"]}] * 2}}
    assert apollo == {"data": {"towers": [{"harborWatch": ["w"], "lighthouseWatch": []}] * 2}}
