"""``@requires`` on an interface-typed ``@external`` field, end to end over real HTTP.

The household graph (:mod:`tests.router.households`): ``people`` needs each
resident's ``home { id }`` (whatever kind of place, even a ``Cabin`` it does
not know) for ``town``, and ``home { ... on Office { id } }`` for
``officeFloor``, which a home of another kind leaves without an ``id``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.households import household_apps
from tests.router.http.compose import HOUSEHOLDS_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def households() -> AsyncIterator[Federation]:
    async with federation(household_apps(), HOUSEHOLDS_SUPERGRAPH) as running:
        yield running


async def test_an_interface_field_required_from_another_subgraph(
    households: Federation,
) -> None:
    answer = await households.ask("{ me { town } }")
    assert answer.body == {"data": {"me": {"town": "Leeds"}}}
    assert answer.asked.services() == ["people", "directory", "people"]
    assert answer.asked.to("people")[-1].representations == [
        {"__typename": "Resident", "id": "r1", "home": {"__typename": "House", "id": "h1"}}
    ]


async def test_a_member_the_requiring_subgraph_does_not_know(households: Federation) -> None:
    answer = await households.ask("{ residents { town } }")
    assert answer.body == {
        "data": {"residents": [{"town": "Leeds"}, {"town": "Derby"}, {"town": "Keswick"}]}
    }
    assert answer.asked.services() == ["directory", "people"]
    assert answer.asked.to("people")[0].representations[2] == {
        "__typename": "Resident",
        "id": "r3",
        "home": {"__typename": "Cabin", "id": "c1"},
    }


async def test_a_requirement_on_one_member_only(households: Federation) -> None:
    answer = await households.ask("{ residents { officeFloor } }")
    assert answer.body == {
        "data": {"residents": [{"officeFloor": None}, {"officeFloor": 3}, {"officeFloor": None}]}
    }
    assert [r["home"] for r in answer.asked.to("people")[0].representations] == [
        {"__typename": "House"},
        {"__typename": "Office", "id": "o1"},
        {"__typename": "Cabin"},
    ]


async def test_a_requirement_on_a_member_the_object_is_not(households: Federation) -> None:
    answer = await households.ask("{ me { home { id } officeFloor } }")
    assert answer.body == {"data": {"me": {"home": {"id": "h1"}, "officeFloor": None}}}
    assert answer.asked.services() == ["people", "directory", "people"]


async def test_the_interface_field_asked_where_it_lives(households: Federation) -> None:
    answer = await households.ask("{ residents { home { __typename id } } }")
    assert answer.body == {
        "data": {
            "residents": [
                {"home": {"__typename": "House", "id": "h1"}},
                {"home": {"__typename": "Office", "id": "o1"}},
                {"home": {"__typename": "Cabin", "id": "c1"}},
            ]
        }
    }
    assert answer.asked.services() == ["directory"]
