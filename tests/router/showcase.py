"""A two-subgraph graph with a field no subgraph can resolve where a client may ask for it.

``feed`` lists ``featured`` items of the interface ``Media`` but implements
it nowhere and knows only ``Media.id``; ``books`` implements ``Media`` with
``Book`` and adds ``Media.title``. No subgraph can answer
``featured { title }``: ``feed`` lacks the field and has no type to go to
``books`` with, so the router must refuse to plan it rather than drop it.
``Query.book`` (from ``books``) reaches the same field through ``Book``.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema


@strawberry.interface(name="Media")
class FeedMedia:
    id: strawberry.ID


@strawberry.type
class FeedQuery:
    @strawberry.field
    def featured(self) -> list[FeedMedia]:
        return []


@strawberry.interface
class Media:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"])
class Book(Media):
    pages: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Book:
        return Book(id=id, title=f"Book {id}", pages=100)


@strawberry.type
class BooksQuery:
    @strawberry.field
    def book(self, id: strawberry.ID) -> Media | None:
        return Book(id=id, title=f"Book {id}", pages=100)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "feed": federated_schema(FeedQuery, [FeedMedia]),
    "books": federated_schema(BooksQuery, [Book, Media]),
}


def showcase_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
