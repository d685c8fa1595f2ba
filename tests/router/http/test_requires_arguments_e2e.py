"""Requirements with arguments, one of them needing hops of its own, end to end.

The journal graph (:mod:`tests.router.journal`): ``thirdCommenter`` requires
``comments(limit: 3) { authorId }``: threads lists the comments, entries
answers their authors, and only then can threads be asked. ``readingMinutes``
requires ``words(language: "en") title`` from the entry subgraph.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import JOURNAL_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.journal import journal_apps

SENT_COMMENTS = [
    {
        "__typename": "Post",
        "id": "p1",
        "comments": [{"authorId": "a1"}, {"authorId": "a2"}, {"authorId": "a3"}],
    },
    {
        "__typename": "Post",
        "id": "p2",
        "comments": [{"authorId": "a3"}, {"authorId": "a3"}, {"authorId": "a2"}],
    },
]


@pytest.fixture(scope="module")
async def journal() -> AsyncIterator[Federation]:
    async with federation(journal_apps(), JOURNAL_SUPERGRAPH) as running:
        yield running


async def test_a_required_list_completed_by_another_subgraph(journal: Federation) -> None:
    answer = await journal.ask("{ feed { id thirdCommenter { name } } }")
    assert answer.body == {
        "data": {
            "feed": [
                {"id": "p1", "thirdCommenter": {"name": "Yuki"}},
                {"id": "p2", "thirdCommenter": {"name": "Omar"}},
            ]
        }
    }
    assert answer.asked.services() == ["entries", "threads", "entries", "threads"]
    assert answer.asked.to("threads")[-1].representations == SENT_COMMENTS


async def test_the_required_field_asked_with_other_arguments(journal: Federation) -> None:
    answer = await journal.ask(
        "{ feed { thirdCommenter { id } comments(limit: 1) { authorId } readingMinutes } }"
    )
    assert answer.body == {
        "data": {
            "feed": [
                {
                    "thirdCommenter": {"id": "a3"},
                    "comments": [{"authorId": "a1"}],
                    "readingMinutes": "Spring: 6 min",
                },
                {
                    "thirdCommenter": {"id": "a2"},
                    "comments": [{"authorId": "a3"}],
                    "readingMinutes": "Autumn: 2 min",
                },
            ]
        }
    }
    assert answer.asked.to("threads")[-1].representations == SENT_COMMENTS


async def test_a_requirement_with_an_argument_from_the_entry_subgraph(
    journal: Federation,
) -> None:
    answer = await journal.ask("{ feed { readingMinutes } }")
    assert answer.body == {
        "data": {"feed": [{"readingMinutes": "Spring: 6 min"}, {"readingMinutes": "Autumn: 2 min"}]}
    }
    assert answer.asked.services() == ["entries", "threads"]
    assert answer.asked.to("threads")[0].representations == [
        {"__typename": "Post", "id": "p1", "words": 900, "title": "Spring"},
        {"__typename": "Post", "id": "p2", "words": 300, "title": "Autumn"},
    ]
