"""Enum values the API schema lacks, end to end: the dispatch subgraphs and our router over real HTTP.

Order ``o2`` is ``HELD``, an ``@inaccessible`` value: wherever a subgraph
answers it (a root fetch or ``_entities``), the client gets ``null`` and an
error at that path, never the value, and a non-null position bubbles.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.dispatch import dispatch_apps
from tests.router.http.compose import DISPATCH_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation


@pytest.fixture(scope="module")
async def dispatch() -> AsyncIterator[Federation]:
    async with federation(dispatch_apps(), DISPATCH_SUPERGRAPH) as running:
        yield running


async def test_a_hidden_value_is_null_with_an_error(dispatch: Federation) -> None:
    answer = await dispatch.ask("{ orders { id status lastStatus } }")
    assert answer.body == {
        "data": {
            "orders": [
                {"id": "o1", "status": "OPEN", "lastStatus": "OPEN"},
                {"id": "o2", "status": None, "lastStatus": None},
                {"id": "o3", "status": "SHIPPED", "lastStatus": "SHIPPED"},
            ]
        },
        "errors": [
            {
                "message": "Invalid value found for field Order.status.",
                "locations": [{"line": 1, "column": 15}],
                "path": ["orders", 1, "status"],
            },
            {
                "message": "Invalid value found for field Order.lastStatus.",
                "locations": [{"line": 1, "column": 22}],
                "path": ["orders", 1, "lastStatus"],
            },
        ],
    }
    assert answer.asked.services() == ["orders", "tracking"]
    assert "HELD" not in str(answer.body)


async def test_a_hidden_value_in_a_non_null_position_bubbles(dispatch: Federation) -> None:
    answer = await dispatch.ask("{ orders { id state } }")
    assert answer.body == {
        "data": {"orders": [{"id": "o1", "state": "OPEN"}, None, {"id": "o3", "state": "SHIPPED"}]},
        "errors": [
            {
                "message": "Invalid value found for field Order.state.",
                "locations": [{"line": 1, "column": 15}],
                "path": ["orders", 1, "state"],
            }
        ],
    }
