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
- bazaar: no entity at all: a value type's parts from the same shareable root
  field of three subgraphs, merged.
- newsdesk: a shareable field overridden "from" a subgraph that does not exist
  stays where it is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.aisles import aisle_apps
from tests.router.bazaar import bazaar_apps
from tests.router.couriers import courier_apps
from tests.router.fleet import fleet_apps
from tests.router.http.compose import (
    AISLES_SUPERGRAPH,
    BAZAAR_SUPERGRAPH,
    COURIERS_SUPERGRAPH,
    FLEET_SUPERGRAPH,
    NEWSDESK_SUPERGRAPH,
    STALLS_SUPERGRAPH,
    WORKSHOP_SUPERGRAPH,
)
from tests.router.http.live_federation import Federation, federation
from tests.router.newsdesk import newsdesk_apps
from tests.router.stalls import stall_apps
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
async def bazaar() -> AsyncIterator[Federation]:
    async with federation(bazaar_apps(), BAZAAR_SUPERGRAPH) as running:
        yield running


@pytest.mark.parametrize("field", ["stall", "stalls"])
async def test_a_value_types_parts_come_from_each_subgraphs_shared_root_field(
    bazaar: Federation, field: str
) -> None:
    answer = await bazaar.ask(
        f"{{ {field} {{ id sign {{ id text }} aisle {{ id number }} till {{ id cents currency }} }} }}"
    )
    stall = {
        "id": "st-1",
        "sign": {"id": "st-1", "text": "Fresh figs"},
        "aisle": {"id": "st-1", "number": 4},
        "till": {"id": "st-1", "cents": 250, "currency": "EUR"},
    }
    assert answer.body == {"data": {field: [stall] if field == "stalls" else stall}}
    assert sorted(answer.asked.services()) == ["floorplan", "signs", "tills"]


@pytest.fixture(scope="module")
async def newsdesk() -> AsyncIterator[Federation]:
    async with federation(newsdesk_apps(), NEWSDESK_SUPERGRAPH) as running:
        yield running


async def test_an_override_from_no_subgraph_takes_nothing(newsdesk: Federation) -> None:
    feed = await newsdesk.ask("{ feed { stamp } }")
    assert feed.body == {"data": {"feed": [{"stamp": "2024-03-01"}, {"stamp": "2024-03-02"}]}}
    assert len(feed.asked.services()) == 1
    both = await newsdesk.ask("{ deskFeed { stamp } pressFeed { stamp } }")
    assert both.body == {
        "data": {"deskFeed": [{"stamp": "2024-03-02"}], "pressFeed": [{"stamp": "2024-03-01"}]}
    }
    assert sorted(both.asked.services()) == ["desk", "press"]
