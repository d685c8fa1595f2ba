"""Operation limits, introspection and sensitive mutations at the router's edge, over the shop subgraphs."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.config import parse_config
from router.http import create_router_app
from router.operation import prepare
from router.operation.errors import OperationRefused
from router.supergraph import load_supergraph
from router.transport import AsgiTransport
from tests.router.http.compose import SHOP_SUPERGRAPH
from tests.router.shop import shop_apps

BEYOND_SUPERGRAPH = Path(__file__).resolve().parents[3] / "schema" / "supergraph.graphql"
NORMAL = "query Normal { topProducts(first: 2) { name reviews { body } } }"
NORMAL_DATA = {
    "topProducts": [
        {"name": "Table", "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]},
        {"name": "Couch", "reviews": [{"body": "Could be softer."}]},
    ]
}


def _aliases(count: int) -> str:
    return "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(count)) + " }"


@contextlib.asynccontextmanager
async def _router(tmp_path: Path, **config: Any) -> AsyncIterator[httpx.AsyncClient]:
    supergraph = tmp_path / "shop.graphql"
    shutil.copy(SHOP_SUPERGRAPH, supergraph)
    settings = dataclasses.replace(parse_config(config), supergraph=supergraph)
    app = create_router_app(settings, transport=AsgiTransport(shop_apps()))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://router.test"
    ) as client:
        yield client


async def _post(client: httpx.AsyncClient, query: str, **extra: Any) -> tuple[int, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, **extra},
        headers={"accept": "application/graphql-response+json"},
    )
    return response.status_code, response.json()


def _code(body: Any) -> str:
    return str(body["errors"][0]["extensions"]["code"])


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How often validation and planning ran."""
    calls = {"validate": 0, "plan": 0}

    def counting(name: str, module: Any) -> None:
        original: Callable[..., Any] = getattr(module, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting("validate", importlib.import_module("router.operation.prepare"))
    counting("plan", importlib.import_module("router.prepare.stage"))
    return calls


async def test_huge_operations_are_refused_before_validation_while_normal_ones_run(
    tmp_path: Path, counted: dict[str, int]
) -> None:
    huge = _aliases(10_000)
    assert len(huge) > 160_000
    async with _router(tmp_path) as client:
        answers = await asyncio.gather(
            *(_post(client, huge) for _ in range(8)),
            *(_post(client, NORMAL) for _ in range(6)),
        )
    refused, normal = answers[:8], answers[8:]
    assert [(status, _code(body)) for status, body in refused] == [(400, "MAX_TOKENS_LIMIT")] * 8
    assert normal == [(200, {"data": NORMAL_DATA})] * 6
    # Validation and planning ran for the normal operation only (planned once, then cached).
    assert counted["plan"] == 1
    assert 1 <= counted["validate"] <= 6


@pytest.mark.parametrize(
    ("limits", "query", "code"),
    [
        (
            {"max_aliases": 30},
            "{ me { " + " ".join(f"a{i}: id" for i in range(31)) + " } }",
            "MAX_ALIASES_LIMIT",
        ),
        (
            {"max_root_fields": 3},
            "{ me { id } topProducts { name } a: me { id } b: me { id } }",
            "MAX_ROOT_FIELDS_LIMIT",
        ),
        (
            {"max_depth": 3},
            "{ topProducts { reviews { author { username } } } }",
            "MAX_DEPTH_LIMIT",
        ),
        ({"max_height": 4}, "{ me { id username } topProducts { name upc } }", "MAX_HEIGHT_LIMIT"),
        (
            {"max_directives": 2},
            "{ me @include(if: true) { id @skip(if: false) username @skip(if: false) } }",
            "MAX_DIRECTIVES_LIMIT",
        ),
        (
            {"max_cost": 100},
            "{ topProducts(first: 10) { reviews { body } } }",
            "COST_ESTIMATED_TOO_EXPENSIVE",
        ),
        ({"max_tokens": 10}, "{ me { id username } topProducts { name } }", "MAX_TOKENS_LIMIT"),
    ],
)
async def test_each_limit_has_its_own_code(
    tmp_path: Path, counted: dict[str, int], limits: dict[str, int], query: str, code: str
) -> None:
    async with _router(tmp_path, limits=limits) as client:
        status, body = await _post(client, query)
    assert (status, _code(body)) == (400, code)
    assert counted == {"validate": 0, "plan": 0}


async def test_limits_count_fragments_once_per_spread(tmp_path: Path) -> None:
    def query(spreads: int) -> str:
        selections = " ".join(f"m{i}: me {{ ...Names }}" for i in range(spreads))
        return f"{{ {selections} }} fragment Names on User {{ x: id y: username }}"

    async with _router(tmp_path) as client:
        # Each spread: one alias on the field, two in the fragment; the default limit is 30.
        status, body = await _post(client, query(11))
        under = await _post(client, query(10))
    assert (status, _code(body)) == (400, "MAX_ALIASES_LIMIT")
    assert under[0] == 200
    assert under[1]["data"]["m9"] == {"x": "1", "y": "ada"}


async def test_the_cost_counts_list_sizes(tmp_path: Path) -> None:
    query = "{ topProducts(first: 2) { reviews { body } } }"
    # 2 products, each 1 + 10 reviews of 2 fields: 2 * (1 + 10 * (1 + 1)) = 42.
    async with _router(tmp_path, limits={"max_cost": 42}) as client:
        assert (await _post(client, query))[0] == 200
    async with _router(tmp_path, limits={"max_cost": 41}) as client:
        status, body = await _post(client, query)
    assert (status, _code(body)) == (400, "COST_ESTIMATED_TOO_EXPENSIVE")


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_is_off_unless_switched_on(tmp_path: Path) -> None:
    async with _router(tmp_path) as client:
        status, body = await _post(client, INTROSPECTION)
        typename = await _post(client, "{ __typename }")
    assert (status, _code(body)) == (400, "INTROSPECTION_DISABLED")
    assert typename == (200, {"data": {"__typename": "Query"}})
    async with _router(tmp_path, router={"introspection": True}) as client:
        assert await _post(client, INTROSPECTION) == (
            200,
            {"data": {"__schema": {"queryType": {"name": "Query"}}}},
        )


ADD = 'addReview(upc: "1", body: "x") { body }'


@pytest.mark.parametrize(
    "mutation",
    [
        f"mutation {{ {ADD} again: {ADD} }}",
        f"mutation {{ renamed: {ADD} }}",
        f"mutation {{ ...Twice }} fragment Twice on Mutation {{ {ADD} ... on Mutation {{ {ADD} }} }}",
    ],
)
async def test_sensitive_mutations_run_alone_and_unaliased(tmp_path: Path, mutation: str) -> None:
    async with _router(tmp_path, router={"sensitive_mutations": ["addReview"]}) as client:
        status, body = await _post(client, mutation)
        alone = await _post(client, f"mutation {{ {ADD} }}")
    assert (status, _code(body)) == (400, "SENSITIVE_MUTATION_REFUSED")
    assert alone == (200, {"data": {"addReview": {"body": "x"}}})


LOGIN = 'login(mobile: "13800138000", password: "guess") { accessToken }'


@pytest.mark.parametrize(
    "mutation",
    [
        f"mutation {{ {LOGIN} second: {LOGIN} }}",
        f"mutation {{ guess: {LOGIN} }}",
        f'mutation {{ {LOGIN} logout(refreshToken: "r") }}',
    ],
)
def test_sign_in_mutations_are_sensitive_by_default(mutation: str) -> None:
    supergraph = load_supergraph(BEYOND_SUPERGRAPH.read_text())
    guard = parse_config({}).operation_guard()
    with pytest.raises(OperationRefused) as refused:
        prepare(supergraph, mutation, None, guard)
    assert refused.value.code == "SENSITIVE_MUTATION_REFUSED"
    assert prepare(supergraph, f"mutation {{ {LOGIN} }}", None, guard).name is None


async def test_a_batch_of_sign_ins_is_refused(tmp_path: Path) -> None:
    async with _router(tmp_path) as client:
        response = await client.post("/graphql", json=[{"query": f"mutation {{ {LOGIN} }}"}] * 5)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
