"""A three-subgraph graph for an entity a subgraph does not know, written with strawberry.federation.

``picks`` lists picks, each pointing at a ``Book`` by ``isbn``; one isbn
(``0-lost``) is unknown to ``books``, whose ``_entities`` answers ``null``
for it. ``books`` owns ``title`` (non-null) and ``blurb`` (nullable);
``prices`` computes ``price`` from the title (``@requires``), so a book
``books`` does not know can get no price either. ``Pick.book`` and
``Book.price`` are nullable, ``Book.title`` is not.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

TITLES = {"0-ada": "Notes on the Engine", "0-grace": "Compilers"}
PICKS = [("p1", "0-ada"), ("p2", "0-lost"), ("p3", "0-grace")]


@strawberry.federation.type(keys=["isbn"])
class Book:
    isbn: strawberry.ID


@strawberry.type
class Pick:
    id: strawberry.ID
    book: Book | None
    note: str | None = None


@strawberry.type
class PicksQuery:
    @strawberry.field
    def picks(self) -> list[Pick]:
        return [
            Pick(id=strawberry.ID(id), book=Book(isbn=strawberry.ID(isbn)), note=f"pick {id}")
            for id, isbn in PICKS
        ]


@strawberry.federation.type(keys=["isbn"], name="Book")
class KnownBook:
    isbn: strawberry.ID
    title: str
    blurb: str | None

    @classmethod
    def resolve_reference(cls, isbn: strawberry.ID) -> KnownBook | None:
        title = TITLES.get(isbn)
        if title is None:
            return None
        return KnownBook(isbn=isbn, title=title, blurb=f"About {title.lower()}")


@strawberry.type
class BooksQuery:
    @strawberry.field
    def book_count(self) -> int:
        return len(TITLES)


@strawberry.federation.type(keys=["isbn"], name="Book")
class PricedBook:
    isbn: strawberry.ID
    title: str = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["title"])
    def price(self) -> int | None:
        return len(self.title)

    @classmethod
    def resolve_reference(cls, isbn: strawberry.ID, title: str) -> PricedBook:
        return PricedBook(isbn=isbn, title=title)


@strawberry.type
class PricesQuery:
    @strawberry.field
    def currency(self) -> str:
        return "EUR"


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "picks": federated_schema(PicksQuery, [Book]),
    "books": federated_schema(BooksQuery, [KnownBook]),
    "prices": federated_schema(PricesQuery, [PricedBook]),
}


def shelf_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
