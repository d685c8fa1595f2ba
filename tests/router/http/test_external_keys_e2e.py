"""An ``@external`` key field end to end: the catalogue subgraphs and our router over real HTTP.

``reviews`` declares ``Product.id`` external and fills it with ``made-up``;
the router must take ``id`` from ``products``, reaching it by ``sku``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.catalogue import catalogue_apps
from tests.router.http.compose import CATALOGUE_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def catalogue() -> AsyncIterator[Federation]:
    async with federation(catalogue_apps(), CATALOGUE_SUPERGRAPH) as running:
        yield running


async def test_an_external_key_field_comes_from_its_owner(catalogue: Federation) -> None:
    answer = await catalogue.ask("{ topReviewed { id name reviews } }")
    assert answer.body == {
        "data": {
            "topReviewed": [
                {"id": "p1", "name": "Desk", "reviews": ["s1 is fine"]},
                {"id": "p2", "name": "Lamp", "reviews": ["s2 is fine"]},
            ]
        }
    }
    assert answer.asked.services() == ["reviews", "products"]
    (reviews,) = answer.asked.to("reviews")
    assert "id" not in reviews.fields
    (products,) = answer.asked.to("products")
    assert products.representations == [
        {"__typename": "Product", "sku": "s1"},
        {"__typename": "Product", "sku": "s2"},
    ]
