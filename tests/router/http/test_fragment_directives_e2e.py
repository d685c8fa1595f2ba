"""Executable directives on fragments and operations, end to end: the lookouts subgraphs over real HTTP.

``@watch(by:)`` may stand on operations, inline fragments and spreads in
every subgraph. Each ``...Watch`` field answers with the ``@watch`` values
its own subgraph saw around it, so the answer shows where each one arrived;
the request log shows what each subgraph was sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import LOOKOUTS_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.lookouts import lookout_apps


@pytest.fixture(scope="module")
async def lookouts() -> AsyncIterator[Federation]:
    async with federation(lookout_apps(), LOOKOUTS_SUPERGRAPH) as running:
        yield running


async def test_an_inline_fragment_directive_reaches_each_fetch_of_its_fields(
    lookouts: Federation,
) -> None:
    answer = await lookouts.ask(
        "query($by: String!) { towers { name ... @watch(by: $by) { harborWatch lighthouseWatch } } }",
        {"by": "dusk"},
    )
    tower = {"harborWatch": ["dusk"], "lighthouseWatch": ["dusk"]}
    assert answer.body == {
        "data": {"towers": [{"name": "North Mole", **tower}, {"name": "Pier Head", **tower}]}
    }
    (lighthouse,) = answer.asked.to("lighthouse")
    assert lighthouse.is_entities
    assert lighthouse.variables["by"] == "dusk"


async def test_a_spread_directive_arrives_on_an_inline_fragment(lookouts: Federation) -> None:
    answer = await lookouts.ask(
        '{ towers { ...Lit @watch(by: "spread") ...Named @note(text: "plain") } }'
        " fragment Lit on Tower { lamp lighthouseWatch }"
        " fragment Named on Tower { name harborWatch }"
    )
    assert answer.body == {
        "data": {
            "towers": [
                {
                    "lamp": "red",
                    "lighthouseWatch": ["spread"],
                    "name": "North Mole",
                    "harborWatch": [],
                },
                {
                    "lamp": "green",
                    "lighthouseWatch": ["spread"],
                    "name": "Pier Head",
                    "harborWatch": [],
                },
            ]
        }
    }
    # @note may not stand on an inline fragment: sent there, it would fail the whole fetch.
    assert all("@note" not in call.query for call in answer.asked.calls)


async def test_a_root_fragment_goes_to_each_root_fetch(lookouts: Federation) -> None:
    answer = await lookouts.ask(
        '{ ... @watch(by: "root") { harborWatch lighthouseWatch } plain: harborWatch }'
    )
    assert answer.body == {
        "data": {"harborWatch": ["root"], "lighthouseWatch": ["root"], "plain": []}
    }
    assert sorted(answer.asked.services()) == ["harbor", "lighthouse"]


async def test_fragments_with_different_directives_stay_apart(lookouts: Federation) -> None:
    answer = await lookouts.ask(
        '{ towers { ... @watch(by: "a") { harborWatch } ... @watch(by: "b") { harborWatch } } }'
    )
    assert answer.body == {"data": {"towers": [{"harborWatch": ["a", "b"]}] * 2}}


async def test_a_type_conditioned_fragment_under_an_interface(lookouts: Federation) -> None:
    answer = await lookouts.ask(
        '{ marks { id ... on Tower @watch(by: "towers") { lighthouseWatch } ... on Buoy { depth } } }'
    )
    assert answer.body == {
        "data": {"marks": [{"id": "t1", "lighthouseWatch": ["towers"]}, {"id": "b1", "depth": 7}]}
    }


async def test_include_on_the_fragment_still_decides_in_the_router(lookouts: Federation) -> None:
    query = (
        'query($on: Boolean!) { towers { name ... @include(if: $on) @watch(by: "lit") { lamp } } }'
    )
    off = await lookouts.ask(query, {"on": False})
    assert off.body == {"data": {"towers": [{"name": "North Mole"}, {"name": "Pier Head"}]}}
    assert off.asked.services() == ["harbor"]
    on = await lookouts.ask(query, {"on": True})
    assert on.body["data"]["towers"][0] == {"name": "North Mole", "lamp": "red"}
    (lighthouse,) = on.asked.to("lighthouse")
    assert '@watch(by: "lit")' in lighthouse.query


async def test_an_operation_directive_reaches_every_subgraph_operation(
    lookouts: Federation,
) -> None:
    answer = await lookouts.ask(
        'query Night @watch(by: "night") { towers { harborWatch lighthouseWatch } lighthouseWatch }'
    )
    tower = {"harborWatch": ["night"], "lighthouseWatch": ["night"]}
    assert answer.body == {"data": {"towers": [tower, tower], "lighthouseWatch": ["night"]}}
    assert len(answer.asked.calls) == 3
