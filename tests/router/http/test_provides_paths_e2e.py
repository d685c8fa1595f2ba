"""``@provides`` through interface-typed fields and two levels deep, end to end.

The shelter graph (:mod:`tests.router.shelter`): ``kennel`` provides the
pen's ``pets { id name }``, so they come in its one request; a pet's ``age``
only ``vet`` answers, reached with the provided ``id`` as the key. The
gazetteer graph (:mod:`tests.router.gazetteer`): ``countries`` provides
``regions { id name subregions { id name } }``; below that, the owner is asked.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.gazetteer import gazetteer_apps
from tests.router.http.compose import GAZETTEER_SUPERGRAPH, SHELTER_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.shelter import shelter_apps


@pytest.fixture(scope="module")
async def shelter() -> AsyncIterator[Federation]:
    async with federation(shelter_apps(), SHELTER_SUPERGRAPH) as running:
        yield running


@pytest.fixture(scope="module")
async def gazetteer() -> AsyncIterator[Federation]:
    async with federation(gazetteer_apps(), GAZETTEER_SUPERGRAPH) as running:
        yield running


async def test_provided_interface_fields_in_one_request(shelter: Federation) -> None:
    answer = await shelter.ask("{ pen { id pets { id name } } }")
    assert answer.body == {
        "data": {
            "pen": {"id": "y1", "pets": [{"id": "d1", "name": "Rex"}, {"id": "c1", "name": "Tom"}]}
        }
    }
    assert answer.asked.services() == ["kennel"]


async def test_a_member_field_from_elsewhere(shelter: Federation) -> None:
    answer = await shelter.ask("{ pen { id pets { id name ... on Cat { age } } } }")
    assert answer.body == {
        "data": {
            "pen": {
                "id": "y1",
                "pets": [{"id": "d1", "name": "Rex"}, {"id": "c1", "name": "Tom", "age": 6}],
            }
        }
    }
    assert answer.asked.services() == ["kennel", "vet"]


async def test_a_member_field_without_its_key_asked(shelter: Federation) -> None:
    answer = await shelter.ask("{ pen { pets { ... on Dog { age } name } } }")
    assert answer.body == {"data": {"pen": {"pets": [{"age": 4, "name": "Rex"}, {"name": "Tom"}]}}}
    assert answer.asked.services() == ["kennel", "vet"]


async def test_provided_one_level_down(gazetteer: Federation) -> None:
    answer = await gazetteer.ask("{ countries { id regions { id name } } }")
    assert answer.body == {
        "data": {
            "countries": [
                {
                    "id": "k1",
                    "regions": [
                        {"id": "r1", "name": "Highlands"},
                        {"id": "r2", "name": "Lowlands"},
                    ],
                },
                {
                    "id": "k2",
                    "regions": [{"id": "r3", "name": "Islands"}, {"id": "r2", "name": "Lowlands"}],
                },
            ]
        }
    }
    assert answer.asked.services() == ["gazetteer"]


async def test_provided_two_levels_down(gazetteer: Federation) -> None:
    answer = await gazetteer.ask("{ countries { id regions { id name subregions { id name } } } }")
    highlands = {"id": "r1", "name": "Highlands"}
    lowlands = {"id": "r2", "name": "Lowlands"}
    islands = {"id": "r3", "name": "Islands"}
    assert answer.body == {
        "data": {
            "countries": [
                {
                    "id": "k1",
                    "regions": [
                        {**highlands, "subregions": [lowlands]},
                        {**lowlands, "subregions": [islands]},
                    ],
                },
                {
                    "id": "k2",
                    "regions": [
                        {**islands, "subregions": [highlands]},
                        {**lowlands, "subregions": [islands]},
                    ],
                },
            ]
        }
    }
    assert answer.asked.services() == ["gazetteer"]


async def test_below_what_is_provided_the_owner_is_asked(gazetteer: Federation) -> None:
    answer = await gazetteer.ask("{ countries { regions { subregions { subregions { name } } } } }")
    assert answer.body == {
        "data": {
            "countries": [
                {
                    "regions": [
                        {"subregions": [{"subregions": [{"name": "Islands"}]}]},
                        {"subregions": [{"subregions": [{"name": "Highlands"}]}]},
                    ]
                },
                {
                    "regions": [
                        {"subregions": [{"subregions": [{"name": "Lowlands"}]}]},
                        {"subregions": [{"subregions": [{"name": "Highlands"}]}]},
                    ]
                },
            ]
        }
    }
    assert answer.asked.services() == ["gazetteer", "surveys", "gazetteer"]
