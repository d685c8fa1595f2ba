"""Executable directives on fields, end to end: the beacons subgraphs and our router over real HTTP.

``@tone(pitch:)`` is defined by every subgraph, so the supergraph keeps it
and the router passes it, with its arguments and variables, to the subgraph
that resolves each field it is on, root or entity fetch alike.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.beacons import beacon_apps
from tests.router.http.compose import BEACONS_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def beacons() -> AsyncIterator[Federation]:
    async with federation(beacon_apps(), BEACONS_SUPERGRAPH) as running:
        yield running


async def test_a_field_directive_reaches_the_subgraph_of_each_field(beacons: Federation) -> None:
    answer = await beacons.ask(
        "{ harbor @tone(pitch: HIGH) keeper @tone(pitch: LOW) plain: harbor }"
    )
    assert answer.body == {
        "data": {"harbor": "OLD HARBOR", "keeper": "mara quill", "plain": "Old Harbor"}
    }
    assert sorted(answer.asked.services()) == ["harbor", "lighthouse"]


async def test_a_field_directive_with_a_variable_in_an_entity_fetch(beacons: Federation) -> None:
    answer = await beacons.ask(
        "query($p: Pitch!) { beacons { name signal @tone(pitch: $p) } }", {"p": "HIGH"}
    )
    assert answer.body == {
        "data": {
            "beacons": [
                {"name": "North Mole", "signal": "LONG FLASH"},
                {"name": "Pier Head", "signal": "TWO SHORT"},
            ]
        }
    }
    (lighthouse,) = answer.asked.to("lighthouse")
    assert lighthouse.variables["p"] == "HIGH"


async def test_an_argument_only_one_subgraph_defaults_must_be_given(beacons: Federation) -> None:
    answer = await beacons.ask("{ harbor @tone keeper @tone }")
    assert "data" not in answer.body
    assert {e["extensions"]["code"] for e in answer.body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert answer.asked.services() == []
