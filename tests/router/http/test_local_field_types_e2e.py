"""Subgraph-local field types end to end over real HTTP: the atlas subgraphs.

``maps`` declares ``Place.rating: Int!`` and ``Venue.rating: Int``: asked
for both under one response name, it gets one aliased and the router renames
it back. ``Place.landmark`` is ``Tower`` in ``maps``: a fragment on
``Bridge`` never reaches it. Strawberry validates every request, so a
refused operation would show as an error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.atlas import atlas_apps
from tests.router.http.compose import ATLAS_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def atlas() -> AsyncIterator[Federation]:
    async with federation(atlas_apps(), ATLAS_SUPERGRAPH) as running:
        yield running


async def test_one_response_name_for_two_local_nullabilities(atlas: Federation) -> None:
    answer = await atlas.ask("{ spots { ... on Place { rating } ... on Venue { rating } } }")
    assert answer.body == {"data": {"spots": [{"rating": 4}, {"rating": None}, {"rating": 5}]}}
    (maps,) = answer.asked.calls
    assert "rating__alias_0" in maps.query


async def test_a_union_field_that_is_one_member_in_the_subgraph(atlas: Federation) -> None:
    answer = await atlas.ask(
        "{ places { id landmark { __typename ... on Tower { name } ... on Bridge { span } } } }"
    )
    assert answer.body == {
        "data": {
            "places": [
                {"id": "p1", "landmark": {"__typename": "Tower", "name": "Eiffel"}},
                {"id": "p2", "landmark": {"__typename": "Tower", "name": "Tower Bridge"}},
            ]
        }
    }
    (maps,) = answer.asked.calls
    assert "Bridge" not in maps.type_conditions


async def test_aliases_beside_an_entity_hop(atlas: Federation) -> None:
    answer = await atlas.ask(
        "{ spots { ... on Venue { id rating } ... on Place { id tip rating } } }"
    )
    assert answer.body == {
        "data": {
            "spots": [
                {"id": "p1", "tip": "visit p1", "rating": 4},
                {"id": "v1", "rating": None},
                {"id": "p2", "tip": "visit p2", "rating": 5},
            ]
        }
    }
    assert answer.asked.services() == ["maps", "guide"]
