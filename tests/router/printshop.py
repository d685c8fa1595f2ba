"""A four-subgraph graph of an interface whose implementations are entities everywhere but one union member.

``catalog`` lists ``items`` (the interface ``Item``: ``Novel`` and
``Comic``, both keyed by ``id``) with their ``code`` and ``issuer``, a union
``Issuer = Studio | Solo``; there ``Studio`` is a value type with only an
``id``, which ``studios`` resolves as an entity for its ``name``.
``notes`` adds ``Item.notes``, whose ``item`` points back at an ``Item``;
``titles`` knows each novel's and comic's ``title``. Type conditions under
``notes { item }`` carry ``@skip``/``@include``.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

# id -> (kind, code, title, issuer): a studio id or a solo author's email
ITEMS = {
    "n1": ("Novel", "c-n1", "Night Train", "ann@example.com"),
    "c1": ("Comic", "c-c1", "Ink Moon", "s1"),
    "n2": ("Novel", "c-n2", "Low Tide", "bo@example.com"),
}
STUDIOS = {"s1": "Inkworks"}
NOTES = {1: "n1", 2: "n1", 3: "c1"}


# catalog -----------------------------------------------------------------------


@strawberry.type(name="Studio")
class IssuingStudio:
    id: strawberry.ID = strawberry.federation.field(shareable=True)


@strawberry.type
class Solo:
    email: str | None


Issuer = Annotated[IssuingStudio | Solo, strawberry.union("Issuer")]


def _issuer(item: str) -> IssuingStudio | Solo:
    issuer = ITEMS[item][3]
    return IssuingStudio(id=strawberry.ID(issuer)) if issuer in STUDIOS else Solo(email=issuer)


@strawberry.interface(name="Item")
class CatalogItem:
    id: strawberry.ID
    code: str | None

    @strawberry.field
    def issuer(self) -> Issuer | None:
        return _issuer(self.id)


@strawberry.federation.type(keys=["id"], name="Novel")
class CatalogNovel(CatalogItem):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogNovel:
        return CatalogNovel(id=id, code=ITEMS[id][1])


@strawberry.federation.type(keys=["id"], name="Comic")
class CatalogComic(CatalogItem):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CatalogComic:
        return CatalogComic(id=id, code=ITEMS[id][1])


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def items(self) -> list[CatalogItem | None]:
        kinds = {"Novel": CatalogNovel, "Comic": CatalogComic}
        return [kinds[row[0]](id=strawberry.ID(id), code=row[1]) for id, row in ITEMS.items()]


# notes -------------------------------------------------------------------------


@strawberry.interface(name="Item")
class NotedItem:
    id: strawberry.ID

    @strawberry.field
    def notes(self) -> list[Note]:
        return [Note(id=note, item=_noted(item)) for note, item in NOTES.items() if item == self.id]


@strawberry.type
class Note:
    id: int
    item: NotedItem | None


@strawberry.federation.type(keys=["id"], name="Novel")
class NotedNovel(NotedItem):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> NotedNovel:
        return NotedNovel(id=id)


@strawberry.federation.type(keys=["id"], name="Comic")
class NotedComic(NotedItem):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> NotedComic:
        return NotedComic(id=id)


def _noted(item: str) -> NotedItem:
    kind = NotedNovel if ITEMS[item][0] == "Novel" else NotedComic
    return kind(id=strawberry.ID(item))


# titles ------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Novel")
class TitledNovel:
    id: strawberry.ID
    title: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> TitledNovel:
        return TitledNovel(id=id, title=ITEMS[id][2])


@strawberry.federation.type(keys=["id"], name="Comic")
class TitledComic:
    id: strawberry.ID
    title: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> TitledComic:
        return TitledComic(id=id, title=ITEMS[id][2])


# studios -----------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class Studio:
    id: strawberry.ID
    name: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Studio | None:
        return Studio(id=id, name=STUDIOS[id]) if id in STUDIOS else None


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "catalog": federated_schema(CatalogQuery, [CatalogNovel, CatalogComic]),
    "notes": federated_schema(None, [NotedNovel, NotedComic]),
    "titles": federated_schema(None, [TitledNovel, TitledComic]),
    "studios": federated_schema(None, [Studio]),
}


def printshop_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
