"""@interfaceObject values end to end: the gallery subgraphs and our router over real HTTP.

``visits`` answers ``__typename: "Exhibit"`` (and ``"Room"``): a selection
needing no concrete type is served as fetched, from ``visits`` alone; one
that does (``__typename``, a type condition) gets it from ``catalog``; and
``Room``, which no type implements, is served all the same.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.gallery import gallery_apps
from tests.router.http.compose import GALLERY_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def gallery() -> AsyncIterator[Federation]:
    async with federation(gallery_apps(), GALLERY_SUPERGRAPH) as running:
        yield running


async def test_fields_needing_no_concrete_type_are_served_as_fetched(gallery: Federation) -> None:
    answer = await gallery.ask("{ popular { id visitors ... on Exhibit { v: visitors } } }")
    assert answer.body == {
        "data": {
            "popular": [
                {"id": "e1", "visitors": 120, "v": 120},
                {"id": "e2", "visitors": 80, "v": 80},
            ]
        }
    }
    assert answer.asked.services() == ["visits"]


async def test_the_concrete_type_is_fetched_when_the_selection_needs_it(
    gallery: Federation,
) -> None:
    answer = await gallery.ask("{ popular { __typename visitors ... on Painting { artist } } }")
    assert answer.body == {
        "data": {
            "popular": [
                {"__typename": "Painting", "visitors": 120, "artist": "Vermeer"},
                {"__typename": "Painting", "visitors": 80, "artist": "Vermeer"},
            ]
        }
    }
    assert answer.asked.services() == ["visits", "catalog"]


async def test_an_interface_no_type_implements_is_served(gallery: Federation) -> None:
    answer = await gallery.ask("{ rooms { id visitors } }")
    assert answer.body == {"data": {"rooms": [{"id": "r1", "visitors": 40}]}}
    assert answer.asked.services() == ["visits"]
