"""Federation 1 supergraphs end to end: Apollo-composed (join v0.1 and v0.2), Fed1 subgraphs, real HTTP.

The same Federation 1 subgraphs (tests/router/fed1_shop.py) run behind our
router once per supergraph: ``@apollo/federation``'s join v0.1 output
(``@join__owner``, value types without any join directive) and the join v0.2
output of Apollo's first Federation 2 composer (``extension: true``,
``external: true``), both linked with ``@core``.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from router.config import parse_config
from router.http import create_router_app
from tests.router.fed1_shop import fed1_shop_apps
from tests.router.http.compose import FED1_SHOP_SUPERGRAPHS
from tests.router.live_server import serving


@pytest.fixture(scope="module")
async def subgraph_urls() -> AsyncIterator[dict[str, str]]:
    async with contextlib.AsyncExitStack() as stack:
        yield {
            name: await stack.enter_async_context(serving(app, path="/graphql"))
            for name, app in fed1_shop_apps().items()
        }


@pytest.fixture(scope="module", params=sorted(FED1_SHOP_SUPERGRAPHS))
async def fed1(
    request: pytest.FixtureRequest, subgraph_urls: dict[str, str]
) -> AsyncIterator[httpx.AsyncClient]:
    config = dataclasses.replace(
        parse_config(
            {
                "router": {"expose_query_plan": True},
                "subgraphs": {name: {"url": url} for name, url in subgraph_urls.items()},
            }
        ),
        supergraph=FED1_SHOP_SUPERGRAPHS[request.param],
    )
    async with (
        serving(create_router_app(config)) as url,
        httpx.AsyncClient(base_url=url, timeout=10) as client,
    ):
        yield client


async def _answer(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


async def _plan(client: httpx.AsyncClient, query: str) -> str:
    response = await client.post(
        "/graphql", json={"query": query}, headers={"beyond-query-plan": "true"}
    )
    plan: str = response.json()["extensions"]["queryPlan"]
    return plan


async def test_entity_hops_into_extension_types_with_requires_and_provides(
    fed1: httpx.AsyncClient,
) -> None:
    query = """
      query Top($first: Int = 3) {
        topProducts(first: $first) {
          upc
          title: name
          inStock
          shippingEstimate
          reviews { body author { username name } }
        }
      }
    """
    ada = {"username": "ada", "name": "Ada Lovelace"}
    alan = {"username": "alan", "name": "Alan Turing"}
    assert await _answer(fed1, query) == {
        "data": {
            "topProducts": [
                {
                    "upc": "1",
                    "title": "Table",
                    "inStock": True,
                    "shippingEstimate": 50,
                    "reviews": [
                        {"body": "Love it!", "author": ada},
                        {"body": "Too expensive.", "author": alan},
                    ],
                },
                {
                    "upc": "2",
                    "title": "Couch",
                    "inStock": False,
                    "shippingEstimate": 0,
                    "reviews": [{"body": "Could be softer.", "author": alan}],
                },
                {
                    "upc": "3",
                    "title": "Lamp",
                    "inStock": True,
                    "shippingEstimate": 2,
                    "reviews": [{"body": "Bright enough.", "author": ada}],
                },
            ]
        }
    }


async def test_requirements_are_fetched_from_the_owner_after_a_hop_from_an_extension(
    fed1: httpx.AsyncClient,
) -> None:
    query = "query($id: ID!) { review(id: $id) { product { name shippingEstimate } } }"
    assert await _answer(fed1, query, {"id": "r3"}) == {
        "data": {"review": {"product": {"name": "Couch", "shippingEstimate": 0}}}
    }


async def test_a_provided_field_is_not_fetched_again(fed1: httpx.AsyncClient) -> None:
    query = "{ latestReviews { body author { username } } }"
    assert await _answer(fed1, query) == {
        "data": {
            "latestReviews": [
                {"body": "Love it!", "author": {"username": "ada"}},
                {"body": "Too expensive.", "author": {"username": "alan"}},
                {"body": "Could be softer.", "author": {"username": "alan"}},
                {"body": "Bright enough.", "author": {"username": "ada"}},
            ]
        }
    }
    plan = await _plan(fed1, query)
    assert plan.count("Fetch(") == 1 and 'service: "reviews"' in plan


async def test_a_value_type_defined_in_two_subgraphs_is_answered_where_it_is_reached(
    fed1: httpx.AsyncClient,
) -> None:
    query = """
      {
        me { username address { city country } }
        warehouses { name address { city } manager { username address { city } } }
      }
    """
    assert await _answer(fed1, query) == {
        "data": {
            "me": {"username": "ada", "address": {"city": "London", "country": "UK"}},
            "warehouses": [
                {
                    "name": "Docklands",
                    "address": {"city": "London"},
                    "manager": {"username": "ada", "address": {"city": "London"}},
                },
                {
                    "name": "Bletchley",
                    "address": {"city": "Milton Keynes"},
                    "manager": {"username": "alan", "address": {"city": "Wilmslow"}},
                },
            ],
        }
    }
    # Warehouse addresses come with the warehouses; only the managers need a hop.
    plan = await _plan(fed1, query)
    assert plan.count("Fetch(") == 3
    assert plan.count('service: "inventory"') == 1


async def test_typename_aliases_and_fragments_on_entities_and_value_types(
    fed1: httpx.AsyncClient,
) -> None:
    query = """
      query Shaped {
        __typename
        best: topProducts(first: 1) { kind: __typename ...Shipping }
        warehouses { __typename ... on Warehouse { where: address { __typename town: city } } }
      }
      fragment Shipping on Product { upc estimate: shippingEstimate ... on Product { stock: inStock } }
    """
    assert await _answer(fed1, query) == {
        "data": {
            "__typename": "Query",
            "best": [{"kind": "Product", "upc": "1", "estimate": 50, "stock": True}],
            "warehouses": [
                {"__typename": "Warehouse", "where": {"__typename": "Address", "town": "London"}},
                {
                    "__typename": "Warehouse",
                    "where": {"__typename": "Address", "town": "Milton Keynes"},
                },
            ],
        }
    }


async def test_an_extension_type_reached_from_its_extending_subgraph(
    fed1: httpx.AsyncClient,
) -> None:
    query = """
      query($id: ID!) {
        user(id: $id) { username reviews { body product { name inStock reviews { author { name } } } } }
      }
    """
    assert await _answer(fed1, query, {"id": "2"}) == {
        "data": {
            "user": {
                "username": "alan",
                "reviews": [
                    {
                        "body": "Too expensive.",
                        "product": {
                            "name": "Table",
                            "inStock": True,
                            "reviews": [
                                {"author": {"name": "Ada Lovelace"}},
                                {"author": {"name": "Alan Turing"}},
                            ],
                        },
                    },
                    {
                        "body": "Could be softer.",
                        "product": {
                            "name": "Couch",
                            "inStock": False,
                            "reviews": [{"author": {"name": "Alan Turing"}}],
                        },
                    },
                ],
            }
        }
    }
