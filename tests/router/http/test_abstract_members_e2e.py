"""Abstract types whose members differ per subgraph, end to end: each graph's subgraphs and our router over real HTTP.

- singles: an interface field narrowed (and providing) in its implementation,
  selected through the interface and the implementation at once.
- kitchen: a union member that implements interfaces only in another subgraph.
- wings: shareable fields of unions whose members differ per subgraph, one
  typed by a member in one subgraph, with entity fetches for the members.
- mailroom: a shareable root field of an interface whose ``id`` each subgraph
  can give for one implementation only (the other's is ``@external``).
- lobby: union members typing the same field differently in their subgraph
  (``ID!`` and ``ID``), selected together, to any depth.
- screening: an implementation of an entity interface extended by a
  subgraph that does not know the interface, reached through an
  ``@interfaceObject``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.router.http.compose import (
    KITCHEN_SUPERGRAPH,
    LOBBY_SUPERGRAPH,
    MAILROOM_SUPERGRAPH,
    SCREENING_SUPERGRAPH,
    SINGLES_SUPERGRAPH,
    WINGS_SUPERGRAPH,
)
from tests.router.http.live_federation import Federation, federation
from tests.router.kitchen import kitchen_apps
from tests.router.lobby import lobby_apps
from tests.router.mailroom import mailroom_apps
from tests.router.screening import screening_apps
from tests.router.singles import single_apps
from tests.router.wings import wing_apps


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


@pytest.mark.parametrize(
    ("query", "data"),
    [
        (
            "{ appliances { __typename kind: __typename } }",
            {"appliances": [{"__typename": t, "kind": t} for t in ["Grill"] * 2 + ["Kettle"] * 2]},
        ),
        (
            "{ machines { id __typename kind: __typename k: __typename } }",
            {
                "machines": [
                    {"id": id, "__typename": "Kettle", "kind": "Kettle", "k": "Kettle"}
                    for id in ("kettle-1", "kettle-2")
                ]
            },
        ),
        (
            """{ appliances { __typename ... on Grill { kind: __typename }
                 ... on Kettle { kind: __typename } } }""",
            {"appliances": [{"__typename": t, "kind": t} for t in ["Grill"] * 2 + ["Kettle"] * 2]},
        ),
        (
            """{ machines { __typename ... on Grill { kind: __typename }
                 ... on Kettle { kind: __typename } } }""",
            {"machines": [{"__typename": "Kettle", "kind": "Kettle"}] * 2},
        ),
    ],
)
async def test_aliased_typenames_of_abstract_fields(
    kitchen: Federation, query: str, data: dict[str, Any]
) -> None:
    answer = await kitchen.ask(query)
    assert answer.body == {"data": data}
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


@pytest.fixture(scope="module")
async def mailroom() -> AsyncIterator[Federation]:
    async with federation(mailroom_apps(), MAILROOM_SUPERGRAPH) as running:
        yield running


@pytest.mark.parametrize(
    "query",
    [
        '{ entry(id: "m1") { id } }',
        '{ member: entry(id: "m1") { id ... on Thread { id } } thread: entry(id: "t1") { __typename } }',
    ],
)
async def test_an_interface_field_no_subgraph_resolves_for_every_member_fails_planning(
    mailroom: Federation, query: str
) -> None:
    answer = await mailroom.ask(query)
    assert "data" not in answer.body
    (error,) = answer.body["errors"]
    assert error["extensions"]["code"] == "QUERY_PLANNING_FAILED"
    assert answer.asked.services() == []


@pytest.mark.parametrize(
    ("query", "data", "services"),
    [
        (
            '{ member: entry(id: "m1") { __typename } thread: entry(id: "t1") { __typename } }',
            {"member": {"__typename": "Member"}, "thread": {"__typename": "Thread"}},
            None,
        ),
        (
            """{ member: entry(id: "m1") { ... on Member { id handle } }
                 thread: entry(id: "t1") { ... on Thread { id subject } } }""",
            {"member": {"id": "m1", "handle": "ada"}, "thread": {"id": "t1", "subject": "Welcome"}},
            ["members", "threads"],
        ),
        (
            """{ member: entry(id: "m1") { __typename ... on Thread { id } }
                 thread: entry(id: "t1") { __typename ... on Member { id } } }""",
            {"member": {"__typename": "Member"}, "thread": {"__typename": "Thread"}},
            ["members", "threads"],
        ),
        (
            '{ thread(id: "t1") { id subject starter { id handle } } }',
            {
                "thread": {
                    "id": "t1",
                    "subject": "Welcome",
                    "starter": {"id": "m1", "handle": "ada"},
                }
            },
            ["threads", "members"],
        ),
        (
            '{ member(id: "m1") { id handle threads { id } } }',
            {"member": {"id": "m1", "handle": "ada", "threads": [{"id": "t1"}]}},
            ["members", "threads"],
        ),
    ],
)
async def test_each_type_condition_goes_where_its_fields_resolve(
    mailroom: Federation, query: str, data: dict[str, Any], services: list[str] | None
) -> None:
    answer = await mailroom.ask(query)
    assert answer.body == {"data": data}
    if services is not None:
        assert sorted(answer.asked.services()) == sorted(services)


@pytest.fixture(scope="module")
async def lobby() -> AsyncIterator[Federation]:
    async with federation(lobby_apps(), LOBBY_SUPERGRAPH) as running:
        yield running


def _members(fields: str, depth: int) -> str:
    inner = f" alike {{ {_members(fields, depth - 1)} }}" if depth else ""
    return f"... on Guest {{ {fields}{inner} }} ... on Host {{ {fields}{inner} }}"


def _visitors(depth: int, with_ids: bool = True) -> list[dict[str, Any]]:
    visitors: list[dict[str, Any]] = [
        {"id": "g1", "name": "Grace"} if with_ids else {"name": "Grace"},
        {"id": "h1", "name": "Hal"} if with_ids else {"name": "Hal"},
    ]
    if depth:
        visitors = [{**visitor, "alike": _visitors(depth - 1, with_ids)} for visitor in visitors]
    return visitors


@pytest.mark.parametrize("depth", [0, 1, 2])
async def test_members_typing_one_field_differently_are_selected_together(
    lobby: Federation, depth: int
) -> None:
    answer = await lobby.ask(
        f"{{ guests {{ id name }} visitors {{ {_members('id name', depth)} }} }}"
    )
    assert answer.body == {
        "data": {"guests": [{"id": "g1", "name": "Grace"}], "visitors": _visitors(depth)}
    }


async def test_members_without_the_mismatched_field_to_any_depth(lobby: Federation) -> None:
    answer = await lobby.ask(f"{{ visitors {{ {_members('name', 2)} }} }}")
    assert answer.body == {"data": {"visitors": _visitors(2, with_ids=False)}}


@pytest.fixture(scope="module")
async def screening() -> AsyncIterator[Federation]:
    async with federation(screening_apps(), SCREENING_SUPERGRAPH) as running:
        yield running


async def test_an_implementation_extended_where_its_interface_is_unknown(
    screening: Federation,
) -> None:
    answer = await screening.ask(
        """{ reel { id title ... on Clip { length maker } ... on Essay { words } }
             director { id name }
             programme { id name reel { id ... on Clip { length maker } } } }"""
    )
    assert answer.body == {
        "data": {
            "reel": {"id": "7", "title": "Harbour at dawn", "length": 140, "maker": "Ines Ray"},
            "director": {"id": "d1", "name": "Ines Ray"},
            "programme": {
                "id": "p1",
                "name": "Morning",
                "reel": {"id": "7", "length": 140, "maker": "Ines Ray"},
            },
        }
    }
    for call in answer.asked.to("credits"):
        assert all(r["__typename"] == "Clip" for r in call.representations)
