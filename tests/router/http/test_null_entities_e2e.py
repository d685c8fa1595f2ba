"""A null entity end to end: the shelf subgraphs and our router, each over real HTTP.

``books`` answers ``null`` for the book it does not know (``0-lost``). The
book keeps what ``picks`` said of it; only the fields asked of ``books`` are
null, with an error where one is non-null, and ``prices``, which needs the
title, is not asked about it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import SHELF_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.shelf import shelf_apps


@pytest.fixture(scope="module")
async def shelf() -> AsyncIterator[Federation]:
    async with federation(shelf_apps(), SHELF_SUPERGRAPH) as running:
        yield running


async def test_a_null_entity_nulls_only_the_fields_asked_of_it(shelf: Federation) -> None:
    answer = await shelf.ask("{ picks { note book { isbn blurb } } }")
    assert answer.body == {
        "data": {
            "picks": [
                {
                    "note": "pick p1",
                    "book": {"isbn": "0-ada", "blurb": "About notes on the engine"},
                },
                {"note": "pick p2", "book": {"isbn": "0-lost", "blurb": None}},
                {"note": "pick p3", "book": {"isbn": "0-grace", "blurb": "About compilers"}},
            ]
        }
    }
    assert answer.asked.services() == ["picks", "books"]


async def test_a_non_null_field_of_a_null_entity_bubbles_to_the_nullable_parent(
    shelf: Federation,
) -> None:
    answer = await shelf.ask("{ picks { note book { isbn title } } }")
    assert answer.body == {
        "data": {
            "picks": [
                {"note": "pick p1", "book": {"isbn": "0-ada", "title": "Notes on the Engine"}},
                {"note": "pick p2", "book": None},
                {"note": "pick p3", "book": {"isbn": "0-grace", "title": "Compilers"}},
            ]
        },
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Book.title.",
                "locations": [{"line": 1, "column": 28}],
                "path": ["picks", 1, "book", "title"],
            }
        ],
    }


async def test_a_later_fetch_needing_its_fields_skips_it(shelf: Federation) -> None:
    answer = await shelf.ask("{ picks { book { isbn price } } }")
    assert answer.body == {
        "data": {
            "picks": [
                {"book": {"isbn": "0-ada", "price": 19}},
                {"book": {"isbn": "0-lost", "price": None}},
                {"book": {"isbn": "0-grace", "price": 9}},
            ]
        }
    }
    assert answer.asked.services() == ["picks", "books", "prices"]
    (books,) = answer.asked.to("books")
    assert [r["isbn"] for r in books.representations] == ["0-ada", "0-lost", "0-grace"]
    (prices,) = answer.asked.to("prices")
    assert prices.representations == [
        {"__typename": "Book", "isbn": "0-ada", "title": "Notes on the Engine"},
        {"__typename": "Book", "isbn": "0-grace", "title": "Compilers"},
    ]
