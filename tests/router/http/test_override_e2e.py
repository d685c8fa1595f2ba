"""``@override`` end to end: the stockroom subgraphs and our router, each over real HTTP.

``legacy`` still answers the fields it handed over, from stale tables, so a
value tells whether the field was taken from its new owner; the subgraph
request log shows who was asked what.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import STOCKROOM_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.stockroom import stockroom_apps


@pytest.fixture(scope="module")
async def stockroom() -> AsyncIterator[Federation]:
    async with federation(stockroom_apps(), STOCKROOM_SUPERGRAPH) as running:
        yield running


async def test_an_overridden_field_is_answered_by_the_subgraph_that_took_it_over(
    stockroom: Federation,
) -> None:
    answer = await stockroom.ask("{ products { id name inStock } }")
    assert answer.body == {
        "data": {
            "products": [
                {"id": "p1", "name": "Lamp", "inStock": False},
                {"id": "p2", "name": "Desk", "inStock": True},
            ]
        }
    }
    assert answer.asked.services() == ["legacy", "stock"]
    (legacy,) = answer.asked.to("legacy")
    assert legacy.fields == {"products", "id", "name", "__typename"}
    (stock,) = answer.asked.to("stock")
    assert stock.fields == {"_entities", "inStock"}


async def test_a_used_overridden_key_field_is_not_answered_by_its_old_owner(
    stockroom: Federation,
) -> None:
    answer = await stockroom.ask("{ products { sku } }")
    assert answer.body == {"data": {"products": [{"sku": "SKU-1"}, {"sku": "SKU-2"}]}}
    assert answer.asked.services() == ["legacy", "stock"]
    assert "sku" not in answer.asked.to("legacy")[0].fields


async def test_the_new_owner_supplies_the_key_of_a_third_subgraph(stockroom: Federation) -> None:
    answer = await stockroom.ask("{ products { name price } }")
    assert answer.body == {
        "data": {"products": [{"name": "Lamp", "price": 40}, {"name": "Desk", "price": 250}]}
    }
    assert answer.asked.services() == ["legacy", "stock", "pricing"]
    (pricing,) = answer.asked.to("pricing")
    assert pricing.representations == [
        {"__typename": "Product", "sku": "SKU-1"},
        {"__typename": "Product", "sku": "SKU-2"},
    ]


async def test_the_old_owner_still_resolves_references_by_its_overridden_key(
    stockroom: Federation,
) -> None:
    answer = await stockroom.ask("{ cheapest { sku price name inStock } }")
    assert answer.body == {
        "data": {"cheapest": {"sku": "SKU-1", "price": 40, "name": "Lamp", "inStock": False}}
    }
    assert answer.asked.services() == ["pricing", "legacy", "stock"]
    (legacy,) = answer.asked.to("legacy")
    assert legacy.representations == [{"__typename": "Product", "sku": "SKU-1"}]
    (stock,) = answer.asked.to("stock")
    assert stock.representations == [{"__typename": "Product", "id": "p1"}]


async def test_a_requirement_on_an_overridden_field_comes_from_its_new_owner(
    stockroom: Federation,
) -> None:
    answer = await stockroom.ask("{ products { name shippingNote } }")
    assert answer.body == {
        "data": {
            "products": [
                {"name": "Lamp", "shippingNote": "back-ordered"},
                {"name": "Desk", "shippingNote": "ships today"},
            ]
        }
    }
    assert answer.asked.services() == ["legacy", "stock", "shipping"]
    (shipping,) = answer.asked.to("shipping")
    assert shipping.representations == [
        {"__typename": "Product", "id": "p1", "inStock": False},
        {"__typename": "Product", "id": "p2", "inStock": True},
    ]


async def test_a_labelled_override_stays_with_the_original_subgraph_by_default(
    stockroom: Federation,
) -> None:
    answer = await stockroom.ask("{ products { name rating } }")
    assert answer.body == {
        "data": {"products": [{"name": "Lamp", "rating": 4}, {"name": "Desk", "rating": 5}]}
    }
    assert answer.asked.services() == ["legacy"]
