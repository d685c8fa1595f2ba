"""``@shareable`` end to end: the storefront subgraphs and our router, each over real HTTP.

A shareable field or root field can come from several subgraphs; the request
log shows the router took it from the one that made the fewest requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import STOREFRONT_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.storefront import storefront_apps


@pytest.fixture(scope="module")
async def storefront() -> AsyncIterator[Federation]:
    async with federation(storefront_apps(), STOREFRONT_SUPERGRAPH) as running:
        yield running


async def test_a_shareable_field_comes_from_the_subgraph_already_asked(
    storefront: Federation,
) -> None:
    answer = await storefront.ask("{ allProducts { name price } }")
    assert answer.body == {
        "data": {"allProducts": [{"name": "Kettle", "price": 30}, {"name": "Toaster", "price": 45}]}
    }
    assert answer.asked.services() == ["catalog"]


async def test_a_hop_for_another_field_does_not_fetch_the_shareable_one_again(
    storefront: Federation,
) -> None:
    answer = await storefront.ask("{ allProducts { name stock } }")
    assert answer.body == {
        "data": {"allProducts": [{"name": "Kettle", "stock": 12}, {"name": "Toaster", "stock": 0}]}
    }
    assert answer.asked.services() == ["catalog", "stock"]
    assert answer.asked.to("stock")[0].fields == {"_entities", "stock"}


@pytest.mark.parametrize(
    ("query", "data", "services"),
    [
        (
            '{ product(id: "p1") { name stock } }',
            {"product": {"name": "Kettle", "stock": 12}},
            ["stock"],
        ),
        (
            '{ product(id: "p1") { name price } }',
            {"product": {"name": "Kettle", "price": 30}},
            ["catalog"],
        ),
        (
            '{ product(id: "p2") { stock warehouse { city } } }',
            {"product": {"stock": 0, "warehouse": {"city": "Turin"}}},
            ["stock", "geo"],
        ),
        ('{ product(id: "p9") { name } }', {"product": None}, ["catalog"]),
    ],
    ids=["stock answers all", "catalog answers all", "stock then geo", "first when equal"],
)
async def test_a_shareable_root_field_enters_where_the_whole_plan_is_cheapest(
    storefront: Federation, query: str, data: dict[str, object], services: list[str]
) -> None:
    answer = await storefront.ask(query)
    assert answer.body == {"data": data}
    assert answer.asked.services() == services


async def test_an_entity_takes_a_shareable_field_from_the_hop_it_needs_anyway(
    storefront: Federation,
) -> None:
    answer = await storefront.ask("{ topReviewed { name stock } }")
    assert answer.body == {
        "data": {"topReviewed": [{"name": "Toaster", "stock": 0}, {"name": "Kettle", "stock": 12}]}
    }
    # Not reviews → catalog (name) and reviews → stock (stock): one hop answers both.
    assert answer.asked.services() == ["reviews", "stock"]
    assert answer.asked.to("stock")[0].fields == {"_entities", "name", "stock"}


async def test_a_shareable_field_is_fetched_once_when_two_hops_could_give_it(
    storefront: Federation,
) -> None:
    answer = await storefront.ask("{ topReviewed { name price stock } }")
    assert answer.body == {
        "data": {
            "topReviewed": [
                {"name": "Toaster", "price": 45, "stock": 0},
                {"name": "Kettle", "price": 30, "stock": 12},
            ]
        }
    }
    assert sorted(answer.asked.services()) == ["catalog", "reviews", "stock"]
    hops = answer.asked.to("catalog") + answer.asked.to("stock")
    assert sum("name" in hop.fields for hop in hops) == 1
