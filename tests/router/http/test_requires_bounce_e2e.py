"""A requirement chain that comes back to the requiring subgraph, end to end over real HTTP.

``warehouse`` needs ``size`` for ``volume``; ``sizing`` needs ``count`` from
``warehouse`` for ``size``: the router asks warehouse, sizing, then warehouse again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.bounce import bounce_apps
from tests.router.http.compose import BOUNCE_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def bounce() -> AsyncIterator[Federation]:
    async with federation(bounce_apps(), BOUNCE_SUPERGRAPH) as running:
        yield running


async def test_a_requirement_fetched_from_the_requiring_subgraph(bounce: Federation) -> None:
    answer = await bounce.ask("{ crates { id volume } }")
    assert answer.body == {
        "data": {"crates": [{"id": "c1", "volume": 900}, {"id": "c2", "volume": 2500}]}
    }
    assert answer.asked.services() == ["sizing", "warehouse", "sizing", "warehouse"]
    last = answer.asked.to("warehouse")[-1]
    assert last.representations == [
        {"__typename": "Crate", "id": "c1", "size": 30},
        {"__typename": "Crate", "id": "c2", "size": 50},
    ]


async def test_the_intermediate_field_asked_too(bounce: Federation) -> None:
    answer = await bounce.ask("{ crates { size volume } }")
    assert answer.body == {
        "data": {"crates": [{"size": 30, "volume": 900}, {"size": 50, "volume": 2500}]}
    }
