"""Two subgraphs sharing a value type whose union differs per subgraph, written with strawberry.federation.

Both ``loans`` and ``stacks`` answer ``Query.shelf`` (``@shareable``), a
``Shelf`` whose ``items`` are the union ``Item``: ``loans`` knows ``Book |
Film``, ``stacks`` knows ``Book | Magazine``. Composition makes ``Item`` all
three. As both answer ``shelf`` alike, a shelf can only hold what both know
(``Book``), and that is all either is asked about there, so the answer never
depends on which one was picked. ``archive`` (``stacks`` alone) holds
magazines.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema


@strawberry.federation.type(keys=["id"], shareable=True)
class Book:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Book:
        return Book(id=id, title=f"Book {id}")


@strawberry.type
class Film:
    id: strawberry.ID
    minutes: int


@strawberry.type
class Magazine:
    id: strawberry.ID
    issue: int


LoanItem = Annotated[Book | Film, strawberry.union("Item")]
StackItem = Annotated[Book | Magazine, strawberry.union("Item")]


@strawberry.federation.type(shareable=True, name="Shelf")
class LoanShelf:
    label: str
    items: list[LoanItem]


@strawberry.federation.type(shareable=True, name="Shelf")
class StackShelf:
    label: str
    items: list[StackItem]


@strawberry.type
class LoansQuery:
    @strawberry.federation.field(shareable=True)
    def shelf(self) -> LoanShelf:
        return LoanShelf(
            label="new",
            items=[Book(id=strawberry.ID("b1"), title="Book b1")],
        )


@strawberry.type
class StacksQuery:
    @strawberry.federation.field(shareable=True)
    def shelf(self) -> StackShelf:
        return StackShelf(
            label="new",
            items=[Book(id=strawberry.ID("b1"), title="Book b1")],
        )

    @strawberry.field
    def archive(self) -> list[StackShelf]:
        return [StackShelf(label="old", items=[Magazine(id=strawberry.ID("m0"), issue=1)])]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "loans": federated_schema(LoansQuery, [Book, Film]),
    "stacks": federated_schema(StacksQuery, [Book, Magazine]),
}


def racks_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
