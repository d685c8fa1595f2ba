"""End to end through the real front half: supergraph → operation → planner → executor, shop subgraphs."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.config import RouterConfig, parse_config
from router.http import create_router_app
from router.transport import AsgiTransport
from tests.router.http.compose import PARCELS_SUPERGRAPH, SHOP_SUPERGRAPH
from tests.router.http.live_federation import router_config, serve_subgraphs
from tests.router.live_server import serving
from tests.router.parcels import parcel_apps
from tests.router.shop import shop_apps

TOP_PRODUCTS = """
query Top($first: Int! = 2) {
  topProducts(first: $first) {
    __typename
    title: name
    inStock
    shippingEstimate
    reviews { body author { username } }
  }
}
"""
TOP_PRODUCTS_DATA = {
    "topProducts": [
        {
            "__typename": "Product",
            "title": "Table",
            "inStock": True,
            "shippingEstimate": 50,
            "reviews": [
                {"body": "Love it!", "author": {"username": "ada"}},
                {"body": "Too expensive.", "author": {"username": "alan"}},
            ],
        },
        {
            "__typename": "Product",
            "title": "Couch",
            "inStock": False,
            "shippingEstimate": 0,
            "reviews": [{"body": "Could be softer.", "author": {"username": "alan"}}],
        },
    ]
}


@pytest.fixture
def shop_supergraph(tmp_path: Path) -> Path:
    path = tmp_path / "shop.graphql"
    shutil.copy(SHOP_SUPERGRAPH, path)
    return path


@contextlib.asynccontextmanager
async def router_client(
    config: RouterConfig, transport: Any = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_router_app(config, transport=transport)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://router.test"
    ) as client:
        yield client


@pytest.fixture
async def shop(shop_supergraph: Path) -> AsyncIterator[httpx.AsyncClient]:
    config = RouterConfig(supergraph=shop_supergraph, introspection=True, expose_query_plan=True)
    async with router_client(config, AsgiTransport(shop_apps())) as client:
        yield client


async def test_a_query_across_four_subgraphs(shop: httpx.AsyncClient) -> None:
    response = await shop.post("/graphql", json={"query": TOP_PRODUCTS})
    assert response.json() == {"data": TOP_PRODUCTS_DATA}


async def test_a_failing_field_yields_partial_data_at_the_client_path(
    shop: httpx.AsyncClient,
) -> None:
    response = await shop.post(
        "/graphql", json={"query": "{ topProducts { name reviews { body } } }"}
    )
    body = response.json()
    assert body["data"]["topProducts"][2] == {"name": "Chair", "reviews": None}
    assert body["data"]["topProducts"][0]["reviews"][0] == {"body": "Love it!"}
    (error,) = body["errors"]
    assert error["message"] == "reviews of Chair are hidden"
    assert error["path"] == ["topProducts", 2, "reviews"]
    assert error["extensions"]["serviceName"] == "reviews"


async def test_a_masked_subgraph_hides_its_error_messages(shop_supergraph: Path) -> None:
    config = dataclasses.replace(
        parse_config({"subgraphs": {"reviews": {"errors": "mask"}}}), supergraph=shop_supergraph
    )
    async with router_client(config, AsgiTransport(shop_apps())) as client:
        response = await client.post(
            "/graphql", json={"query": "{ topProducts { reviews { body } } }"}
        )
    (error,) = response.json()["errors"]
    assert error == {
        "message": "Subgraph errors redacted",
        "path": ["topProducts", 2, "reviews"],
        "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
    }


async def test_introspection_and_typename_merge_with_fetched_fields(
    shop: httpx.AsyncClient,
) -> None:
    query = '{ __typename me { username } __type(name: "User") { name } }'
    response = await shop.post("/graphql", json={"query": query})
    assert response.json() == {
        "data": {"__typename": "Query", "me": {"username": "ada"}, "__type": {"name": "User"}}
    }


async def test_the_plan_header_shows_the_real_plan(shop: httpx.AsyncClient) -> None:
    response = await shop.post(
        "/graphql", json={"query": TOP_PRODUCTS}, headers={"beyond-query-plan": "true"}
    )
    plan = response.json()["extensions"]["queryPlan"]
    assert "products" in plan and "inventory" in plan and "reviews" in plan


async def test_over_real_http_with_subgraphs_on_their_own_ports(shop_supergraph: Path) -> None:
    async with contextlib.AsyncExitStack() as stack:
        urls = await serve_subgraphs(stack, shop_apps())
        app = create_router_app(router_config(shop_supergraph, urls))
        router_url = await stack.enter_async_context(serving(app))
        async with httpx.AsyncClient(base_url=router_url, timeout=10) as client:
            response = await client.post("/graphql", json={"query": TOP_PRODUCTS})
    assert response.json() == {"data": TOP_PRODUCTS_DATA}


def test_explain_prints_the_plan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from beyond.cli import main

    query = tmp_path / "top.graphql"
    query.write_text(TOP_PRODUCTS)
    assert main(["router", "explain", "--supergraph", str(SHOP_SUPERGRAPH), str(query)]) == 0
    assert "Fetch" in capsys.readouterr().out


async def test_union_members_are_completed_from_their_owning_subgraphs(
    shop: httpx.AsyncClient,
) -> None:
    query = """
      { search(term: "a") { __typename ... on Product { name inStock } ... on User { username } } }
    """
    response = await shop.post("/graphql", json={"query": query})
    assert response.json() == {
        "data": {
            "search": [
                {"__typename": "Product", "name": "Table", "inStock": True},
                {"__typename": "Product", "name": "Chair", "inStock": True},
                {"__typename": "User", "username": "ada"},
                {"__typename": "User", "username": "alan"},
            ]
        }
    }


async def test_mutation_fields_run_in_order_with_their_follow_up_fetches(
    shop: httpx.AsyncClient,
) -> None:
    mutation = """
      mutation {
        first: addReview(upc: "1", body: "Sturdy.") { id product { name } }
        second: addReview(upc: "2", body: "Soft.") { id product { name } }
      }
    """
    data = (await shop.post("/graphql", json={"query": mutation})).json()["data"]
    first, second = int(data["first"]["id"].split("-")[1]), int(data["second"]["id"].split("-")[1])
    assert second == first + 1
    assert (data["first"]["product"], data["second"]["product"]) == (
        {"name": "Table"},
        {"name": "Couch"},
    )


async def test_a_skipped_selection_causes_no_fetch(shop_supergraph: Path) -> None:
    sent: list[str] = []
    inner = AsgiTransport(shop_apps())

    class Recording:
        async def fetch(self, service_name: str, request: Any) -> Any:
            sent.append(service_name)
            return await inner.fetch(service_name, request)

    query = "query($r: Boolean!) { me { username reviews @include(if: $r) { body } } }"
    async with router_client(RouterConfig(supergraph=shop_supergraph), Recording()) as client:
        response = await client.post("/graphql", json={"query": query, "variables": {"r": False}})
    assert response.json() == {"data": {"me": {"username": "ada"}}}
    assert sent == ["accounts"]


async def test_requirements_that_differ_only_by_argument_each_get_their_value() -> None:
    config = RouterConfig(supergraph=PARCELS_SUPERGRAPH)
    async with router_client(config, AsgiTransport(parcel_apps())) as client:
        response = await client.post("/graphql", json={"query": "{ items { costByKg costByLb } }"})
    # i1 weighs 2 kg (4 lb), i2 10 kg (20 lb); a kg costs 3, a lb costs 1.
    assert response.json() == {
        "data": {
            "items": [{"costByKg": 6.0, "costByLb": 4.0}, {"costByKg": 30.0, "costByLb": 20.0}]
        }
    }


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ topProducts { name ", "GRAPHQL_PARSE_FAILED"),
        ("{ topProducts { nom } }", "GRAPHQL_VALIDATION_FAILED"),
    ],
)
async def test_rejected_operations_carry_apollo_codes(
    shop: httpx.AsyncClient, query: str, code: str
) -> None:
    response = await shop.post(
        "/graphql",
        json={"query": query},
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_the_real_planner_budget_stops_with_a_clear_error(shop_supergraph: Path) -> None:
    config = dataclasses.replace(
        parse_config({"limits": {"planning_budget": 3}}), supergraph=shop_supergraph
    )
    async with router_client(config, AsgiTransport(shop_apps())) as client:
        response = await client.post("/graphql", json={"query": TOP_PRODUCTS})
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "OPERATION_TOO_COMPLEX"
    assert "budget of 3 steps" in error["message"]


def deferring_on(count: int) -> str:
    declared = ", ".join(f"$d{i}: Boolean" for i in range(count))
    fragments = " ".join(f"... @defer(if: $d{i}) {{ n{i}: name }}" for i in range(count))
    return f'query Many({declared}) {{ product(upc: "1") {{ upc {fragments} }} }}'


async def test_fourteen_defer_variables_are_refused_before_planning(shop_supergraph: Path) -> None:
    # 2^14 plans once kept a worker busy for 40 s; refused before the first, whatever the
    # budget. The timeout only guards the suite: the planner never starts.
    config = dataclasses.replace(
        parse_config({"limits": {"planning_budget": 10**9}}), supergraph=shop_supergraph
    )
    async with router_client(config, AsgiTransport(shop_apps())) as client:
        async with asyncio.timeout(60):
            response = await client.post("/graphql", json={"query": deferring_on(14)})
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "TOO_MANY_DEFER_CONDITIONS"
    assert "14 different variables" in error["message"] and "at most 4" in error["message"]


async def test_the_defer_condition_cap_is_configured_under_limits(shop_supergraph: Path) -> None:
    config = dataclasses.replace(
        parse_config({"limits": {"max_defer_conditions": 1}}), supergraph=shop_supergraph
    )
    async with router_client(config, AsgiTransport(shop_apps())) as client:
        refused = await client.post("/graphql", json={"query": deferring_on(2)})
        served = await client.post(
            "/graphql", json={"query": deferring_on(1), "variables": {"d0": False}}
        )
        named = await client.post("/graphql", json={"query": '{ product(upc: "1") { name } }'})
    assert refused.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_DEFER_CONDITIONS"
    name = named.json()["data"]["product"]["name"]
    assert served.json() == {"data": {"product": {"upc": "1", "n0": name}}}


async def test_a_subgraph_that_is_down_nulls_only_its_fields(shop_supergraph: Path) -> None:
    async with contextlib.AsyncExitStack() as stack:
        apps = {name: app for name, app in shop_apps().items() if name != "reviews"}
        urls = await serve_subgraphs(stack, apps)
        urls["reviews"] = "http://127.0.0.1:9/graphql"  # discard port: nothing listens
        app = create_router_app(router_config(shop_supergraph, urls))
        router_url = await stack.enter_async_context(serving(app))
        async with httpx.AsyncClient(base_url=router_url, timeout=10) as client:
            response = await client.post(
                "/graphql", json={"query": "{ topProducts(first: 2) { name reviews { body } } }"}
            )
    body = response.json()
    assert body["data"] == {
        "topProducts": [{"name": "Table", "reviews": None}, {"name": "Couch", "reviews": None}]
    }
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "SUBGRAPH_UNAVAILABLE", "serviceName": "reviews"}
    assert error["path"] == ["topProducts"]
