"""A union under a @shareable path, end to end over real HTTP: the racks subgraphs.

``loans`` and ``stacks`` both answer ``shelf``, whose ``Item`` union they
know differently. Whichever answers, only ``Book`` (the member both have) is
asked about there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import RACKS_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.racks import racks_apps

ITEMS = "items { ... on Book { title } ... on Film { minutes } ... on Magazine { issue } }"


@pytest.fixture(scope="module")
async def racks() -> AsyncIterator[Federation]:
    async with federation(racks_apps(), RACKS_SUPERGRAPH) as running:
        yield running


async def test_the_answer_does_not_depend_on_the_subgraph_asked(racks: Federation) -> None:
    from_loans = await racks.ask(f"{{ shelf {{ {ITEMS} }} }}")
    assert from_loans.asked.services() == ["loans"]
    from_stacks = await racks.ask(f"{{ archive {{ label }} shelf {{ {ITEMS} }} }}")
    assert from_stacks.asked.services() == ["stacks"]
    shelf = {"items": [{"title": "Book b1"}]}
    assert from_loans.body == {"data": {"shelf": shelf}}
    assert from_stacks.body == {"data": {"archive": [{"label": "old"}], "shelf": shelf}}
    for answer in (from_loans, from_stacks):
        (request,) = answer.asked.calls
        assert request.type_conditions == {"Book"}


async def test_a_path_only_one_subgraph_answers_keeps_its_members(racks: Federation) -> None:
    answer = await racks.ask(f"{{ archive {{ {ITEMS} }} }}")
    assert answer.body == {"data": {"archive": [{"items": [{"issue": 1}]}]}}
