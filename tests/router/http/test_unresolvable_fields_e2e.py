"""A field no subgraph can resolve, end to end: the showcase subgraphs and our router over real HTTP.

``featured`` comes from ``feed``, which implements ``Media`` nowhere and lacks
``Media.title``: asking for the title there is refused before anything runs,
never answered with the field silently left out.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import SHOWCASE_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.showcase import showcase_apps


@pytest.fixture(scope="module")
async def showcase() -> AsyncIterator[Federation]:
    async with federation(showcase_apps(), SHOWCASE_SUPERGRAPH) as running:
        yield running


async def test_a_field_no_subgraph_can_resolve_fails_planning(showcase: Federation) -> None:
    answer = await showcase.ask("{ featured { id title } }")
    assert "data" not in answer.body
    (error,) = answer.body["errors"]
    assert error["extensions"]["code"] == "QUERY_PLANNING_FAILED"
    assert "Media.title" in error["message"]
    assert answer.asked.services() == []


async def test_the_field_through_a_subgraph_that_implements_it_is_answered(
    showcase: Federation,
) -> None:
    answer = await showcase.ask('{ featured { id } book(id: "7") { id title } }')
    assert answer.body == {"data": {"featured": [], "book": {"id": "7", "title": "Book 7"}}}
    assert sorted(answer.asked.services()) == ["books", "feed"]
