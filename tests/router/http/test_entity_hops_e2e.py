"""Entities reached through other entities, end to end: each graph's subgraphs and our router over real HTTP.

- couriers: the only way to the key a subgraph needs goes through an entity
  another subgraph answers ``null`` for.
- fleet: an entity with four keys, each resolvable in one subgraph, leaves
  its subgraph by one key and comes back by another with a requirement.
- aisles: a value type's field only one subgraph has, reached back through
  the parent entity in that subgraph.
- workshop: a shareable field whose subfields come from two subgraphs, one
  of them only through a third.
- stalls: keys holding lists and nested entities, each subgraph its own.
- singles: an interface field narrowed (and providing) in its implementation,
  selected through the interface and the implementation at once.
- kitchen: a union member that implements interfaces only in another subgraph.
- wings: shareable fields of unions whose members differ per subgraph, one
  typed by a member in one subgraph, with entity fetches for the members.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.router.aisles import aisle_apps
from tests.router.couriers import courier_apps
from tests.router.fleet import fleet_apps
from tests.router.http.compose import (
    AISLES_SUPERGRAPH,
    COURIERS_SUPERGRAPH,
    FLEET_SUPERGRAPH,
    KITCHEN_SUPERGRAPH,
    SINGLES_SUPERGRAPH,
    STALLS_SUPERGRAPH,
    WINGS_SUPERGRAPH,
    WORKSHOP_SUPERGRAPH,
)
from tests.router.http.live_federation import Federation, federation
from tests.router.kitchen import kitchen_apps
from tests.router.singles import single_apps
from tests.router.stalls import stall_apps
from tests.router.wings import wing_apps
from tests.router.workshop import workshop_apps


@pytest.fixture(scope="module")
async def couriers() -> AsyncIterator[Federation]:
    async with federation(courier_apps(), COURIERS_SUPERGRAPH) as running:
        yield running


async def test_an_entity_whose_key_comes_from_a_null_entity_is_null_without_an_error(
    couriers: Federation,
) -> None:
    answer = await couriers.ask("{ shipments { parcel { code courier { name } } } }")
    assert answer.body == {
        "data": {
            "shipments": [
                {"parcel": {"code": "x-1", "courier": {"name": "Ines"}}},
                {"parcel": {"code": "x-2", "courier": {"name": "Omar"}}},
                {"parcel": {"code": "x-9", "courier": None}},
            ]
        }
    }
    assert answer.asked.services() == ["shipments", "labels", "carriers"]
    (carriers,) = answer.asked.to("carriers")
    assert [r["id"] for r in carriers.representations] == ["101", "102"]


@pytest.fixture(scope="module")
async def fleet() -> AsyncIterator[Federation]:
    async with federation(fleet_apps(), FLEET_SUPERGRAPH) as running:
        yield running


async def test_an_entity_leaves_by_one_key_and_returns_by_another(fleet: Federation) -> None:
    answer = await fleet.ask("{ depot { id vans { vin nickname label } } }")
    assert answer.body == {
        "data": {
            "depot": {
                "id": "d1",
                "vans": [
                    {"vin": "V-8", "nickname": "Marge", "label": "Marge (KA-12)"},
                    {"vin": "V-7", "nickname": "Bluebell", "label": "Bluebell (KA-11)"},
                ],
            }
        }
    }
    assert answer.asked.services() == ["depots", "vans", "depots"]
    (_, back) = answer.asked.to("depots")
    assert back.representations == [
        {
            "__typename": "Van",
            "vin": "V-8",
            "serial": {"batch": "b3", "line": "l1"},
            "nickname": "Marge",
        },
        {
            "__typename": "Van",
            "vin": "V-7",
            "serial": {"batch": "b2", "line": "l4"},
            "nickname": "Bluebell",
        },
    ]


@pytest.fixture(scope="module")
async def aisles() -> AsyncIterator[Federation]:
    async with federation(aisle_apps(), AISLES_SUPERGRAPH) as running:
        yield running


async def test_a_value_type_field_is_fetched_through_its_parent_entity(aisles: Federation) -> None:
    answer = await aisles.ask("{ items { id shelf { id label details { slots } } } }")
    assert answer.body == {
        "data": {
            "items": [
                {"id": "i1", "shelf": {"id": "s1", "label": "Top shelf", "details": {"slots": 8}}},
                {
                    "id": "i2",
                    "shelf": {"id": "s2", "label": "Bottom shelf", "details": {"slots": 3}},
                },
                {"id": "i3", "shelf": {"id": "s1", "label": "Top shelf", "details": {"slots": 8}}},
            ]
        }
    }
    assert answer.asked.services() == ["catalog", "layout"]
    (layout,) = answer.asked.to("layout")
    assert layout.representations == [
        {"__typename": "Item", "id": id, "sku": f"sku-{id[1]}"} for id in ("i1", "i2", "i3")
    ]


@pytest.fixture(scope="module")
async def workshop() -> AsyncIterator[Federation]:
    async with federation(workshop_apps(), WORKSHOP_SUPERGRAPH) as running:
        yield running


async def test_subfields_of_one_shareable_field_come_from_two_subgraphs(
    workshop: Federation,
) -> None:
    answer = await workshop.ask('{ job(id: "7") { id title phase { id name memo } } }')
    assert answer.body == {
        "data": {
            "job": {
                "id": "7",
                "title": "Sand the bench",
                "phase": {"id": "ph-2", "name": "Phase ph-2", "memo": "Memo for job 7"},
            }
        }
    }
    assert sorted(answer.asked.services()) == ["jobs", "memos", "names", "phases"]
    assert answer.asked.services()[0] == "jobs"
    assert answer.asked.services().index("phases") < answer.asked.services().index("names")


@pytest.fixture(scope="module")
async def stalls() -> AsyncIterator[Federation]:
    async with federation(stall_apps(), STALLS_SUPERGRAPH) as running:
        yield running


async def test_keys_holding_lists_and_nested_entities(stalls: Federation) -> None:
    answer = await stalls.ask(
        """{ topPicks {
            items { id gid cost { amount } maker { flagship { id } id tag } }
            chosen { id }
            first { id }
        } }"""
    )
    assert answer.body == {
        "data": {
            "topPicks": {
                "items": [
                    {
                        "id": "g1",
                        "gid": "gid-1",
                        "cost": {"amount": 100.0},
                        "maker": {"flagship": {"id": "g1"}, "id": "m1", "tag": "tools"},
                    },
                    {
                        "id": "g2",
                        "gid": "gid-2",
                        "cost": {"amount": 250.5},
                        "maker": {"flagship": {"id": "g2"}, "id": "m2", "tag": "toys"},
                    },
                ],
                "chosen": {"id": "g2"},
                "first": {"id": "g1"},
            }
        }
    }


@pytest.fixture(scope="module")
async def singles() -> AsyncIterator[Federation]:
    async with federation(single_apps(), SINGLES_SUPERGRAPH) as running:
        yield running


async def test_an_interface_field_is_followed_through_the_interface(singles: Federation) -> None:
    answer = await singles.ask("{ track { twin { ... on Tune { twin { __typename } } } } }")
    assert answer.body == {"data": {"track": {"twin": {"twin": {"__typename": "Single"}}}}}
    assert answer.asked.services() == ["charts"]


async def test_a_narrowed_interface_field_merges_with_the_implementations_selection(
    singles: Federation,
) -> None:
    answer = await singles.ask(
        """{ track {
            __typename
            twin { __typename ... on Single { id } twin { __typename ... on Single { id } } }
            ... on Single { __typename id length twin { id length } }
        } }"""
    )
    assert answer.body == {
        "data": {
            "track": {
                "__typename": "Single",
                "twin": {
                    "__typename": "Single",
                    "id": "s3",
                    "twin": {"__typename": "Single", "id": "s1"},
                    "length": 3.5,
                },
                "id": "s1",
                "length": 3.5,
            }
        }
    }
    assert answer.asked.services() == ["charts", "lengths"]
    (lengths,) = answer.asked.to("lengths")
    assert lengths.representations == [{"__typename": "Single", "id": "s1"}]


@pytest.fixture(scope="module")
async def kitchen() -> AsyncIterator[Federation]:
    async with federation(kitchen_apps(), KITCHEN_SUPERGRAPH) as running:
        yield running


async def test_an_interface_fragment_on_a_member_that_implements_it_elsewhere(
    kitchen: Federation,
) -> None:
    answer = await kitchen.ask("{ appliances { ... on Machine { id } } }")
    assert answer.body == {
        "data": {
            "appliances": [
                {"id": "grill-1"},
                {"id": "grill-2"},
                {"id": "kettle-1"},
                {"id": "kettle-2"},
            ]
        }
    }


async def test_nested_interface_fragments_on_an_interface_list(kitchen: Federation) -> None:
    answer = await kitchen.ask(
        "{ machines { ... on Machine { id ... on Machine { id ... on Guaranteed { years } } } } }"
    )
    assert answer.body == {
        "data": {"machines": [{"id": "kettle-1", "years": 2}, {"id": "kettle-2", "years": 5}]}
    }
    assert answer.asked.services() == ["counter"]


async def test_an_interface_field_a_subgraph_answers_with_a_foreign_type_is_an_error(
    kitchen: Federation,
) -> None:
    answer = await kitchen.ask('{ machine(id: "grill-1") { ... on Grill { years } } }')
    assert answer.body["data"] == {"machine": None}
    assert len(answer.body["errors"]) == 1
    kettle = await kitchen.ask('{ machine(id: "kettle-1") { ... on Kettle { years } } }')
    assert kettle.body == {"data": {"machine": {"years": 2}}}


@pytest.fixture(scope="module")
async def wings() -> AsyncIterator[Federation]:
    async with federation(wing_apps(), WINGS_SUPERGRAPH) as running:
        yield running


NOVEL = {"title": "Middlemarch", "northTitle": "N: Middlemarch", "southTitle": "S: Middlemarch"}
EVERY_MEMBER = """__typename
    ... on Poem { title northTitle }
    ... on Play { title southTitle }
    ... on Novel { title northTitle southTitle }"""


@pytest.mark.parametrize(
    ("query", "data"),
    [
        ("{ work { ... on Play { title } } }", {"work": {}}),
        (
            "{ work { ... on Novel { title } ... on Play { title } } }",
            {"work": {"title": "Middlemarch"}},
        ),
        ("{ northWork { ... on Play { title southTitle } } }", {"northWork": {}}),
        ("{ northWork { ... on Novel { title northTitle southTitle } } }", {"northWork": NOVEL}),
        (
            f"{{ reader {{ work {{ {EVERY_MEMBER} }} novel {{ {EVERY_MEMBER} }} poem {{ {EVERY_MEMBER} }} }} }}",
            {
                "reader": {
                    "work": {"__typename": "Novel", **NOVEL},
                    "novel": {"__typename": "Novel", **NOVEL},
                    "poem": {
                        "__typename": "Poem",
                        "title": "Ozymandias",
                        "northTitle": "N: Ozymandias",
                    },
                }
            },
        ),
        (
            """{ reader { northWork { ... on Play { title southTitle } }
                          southWork { ... on Play { title southTitle } } } }""",
            {
                "reader": {
                    "northWork": {},
                    "southWork": {"title": "Arcadia", "southTitle": "S: Arcadia"},
                }
            },
        ),
        (
            f"{{ novel {{ {EVERY_MEMBER} }} }}",
            {"novel": {"__typename": "Novel", **NOVEL}},
        ),
    ],
)
async def test_union_members_each_subgraph_knows(
    wings: Federation, query: str, data: dict[str, Any]
) -> None:
    answer = await wings.ask(query)
    assert answer.body == {"data": data}
