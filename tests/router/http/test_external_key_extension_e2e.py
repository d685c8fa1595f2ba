"""An ``@external`` key field on a type extension, end to end over real HTTP.

The price list (:mod:`tests.router.pricelist`): ``pricing`` extends ``Item``
with ``id @external``, the Federation 1 way of writing a key it still answers;
its root field gives the ``id`` itself, and entity calls go both ways.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import PRICELIST_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.pricelist import pricelist_apps


@pytest.fixture(scope="module")
async def pricelist() -> AsyncIterator[Federation]:
    async with federation(pricelist_apps(), PRICELIST_SUPERGRAPH) as running:
        yield running


async def test_the_extension_answers_its_key(pricelist: Federation) -> None:
    answer = await pricelist.ask("{ cheapest { id price name } }")
    assert answer.body == {"data": {"cheapest": {"id": "i2", "price": 25.0, "name": "Toaster"}}}
    assert answer.asked.services() == ["pricing", "catalog"]
    (pricing,) = answer.asked.to("pricing")
    assert pricing.fields == {"cheapest", "id", "price", "__typename"}


async def test_the_extension_reached_by_key(pricelist: Federation) -> None:
    answer = await pricelist.ask("{ items { name price id } }")
    assert answer.body == {
        "data": {
            "items": [
                {"name": "Kettle", "price": 30.0, "id": "i1"},
                {"name": "Toaster", "price": 25.0, "id": "i2"},
            ]
        }
    }
    assert answer.asked.services() == ["catalog", "pricing"]
    assert answer.asked.to("pricing")[0].representations == [
        {"__typename": "Item", "id": "i1"},
        {"__typename": "Item", "id": "i2"},
    ]
