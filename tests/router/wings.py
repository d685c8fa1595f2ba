"""Two subgraphs whose unions share one member, and a field typed by a member in one of them.

``north`` knows ``Work = Novel | Poem``, ``south`` knows ``Work = Novel |
Play`` (``ShelfWork`` likewise); composition makes both ``Novel | Poem |
Play``. ``work``, ``novel`` and ``reader`` are shareable; ``novel`` is a
``Novel`` in ``north`` but a ``Work`` in ``south`` (and ``Reader.novel`` a
``ShelfWork``). Each subgraph adds its own title to its members
(``northTitle``, ``southTitle``); ``northWork`` and ``southWork`` are each
one subgraph's. Whatever a subgraph answers, only its members can show up.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

NOVEL = ("n1", "Middlemarch")
POEM = ("p2", "Ozymandias")
PLAY = ("y3", "Arcadia")


def _title(side: str, title: str) -> str:
    return f"{side}: {title}"


# north -------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Novel")
class NorthNovel:
    id: strawberry.ID
    title: str = strawberry.federation.field(shareable=True)
    north_title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> NorthNovel | None:
        return _north_novel() if id == NOVEL[0] else None


def _north_novel() -> NorthNovel:
    return NorthNovel(id=strawberry.ID(NOVEL[0]), title=NOVEL[1], north_title=_title("N", NOVEL[1]))


@strawberry.federation.type(keys=["id"])
class Poem:
    id: strawberry.ID
    title: str = strawberry.federation.field(shareable=True)
    north_title: str


POET = Poem(id=strawberry.ID(POEM[0]), title=POEM[1], north_title=_title("N", POEM[1]))
NorthWork = Annotated[NorthNovel | Poem, strawberry.union("Work")]
NorthShelfWork = Annotated[NorthNovel | Poem, strawberry.union("ShelfWork")]


@strawberry.type(name="Reader")
class NorthReader:
    work: NorthShelfWork | None = strawberry.federation.field(shareable=True)
    north_work: NorthShelfWork | None
    novel: NorthNovel | None = strawberry.federation.field(shareable=True)
    poem: NorthShelfWork | None = strawberry.federation.field(shareable=True)


@strawberry.type
class NorthQuery:
    @strawberry.federation.field(shareable=True)
    def work(self) -> NorthWork | None:
        return _north_novel()

    @strawberry.field
    def north_work(self) -> NorthWork | None:
        return _north_novel()

    @strawberry.federation.field(shareable=True)
    def novel(self) -> NorthNovel | None:
        return _north_novel()

    @strawberry.federation.field(shareable=True)
    def reader(self) -> NorthReader:
        novel = _north_novel()
        return NorthReader(work=novel, north_work=novel, novel=novel, poem=POET)


# south -------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Novel")
class SouthNovel:
    id: strawberry.ID
    title: str = strawberry.federation.field(shareable=True)
    south_title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> SouthNovel | None:
        return _south_novel() if id == NOVEL[0] else None


def _south_novel() -> SouthNovel:
    return SouthNovel(id=strawberry.ID(NOVEL[0]), title=NOVEL[1], south_title=_title("S", NOVEL[1]))


@strawberry.federation.type(keys=["id"])
class Play:
    id: strawberry.ID
    title: str = strawberry.federation.field(shareable=True)
    south_title: str


STAGED = Play(id=strawberry.ID(PLAY[0]), title=PLAY[1], south_title=_title("S", PLAY[1]))
SouthWork = Annotated[SouthNovel | Play, strawberry.union("Work")]
SouthShelfWork = Annotated[SouthNovel | Play, strawberry.union("ShelfWork")]


@strawberry.type(name="Reader")
class SouthReader:
    work: SouthShelfWork | None = strawberry.federation.field(shareable=True)
    south_work: SouthShelfWork | None
    novel: SouthShelfWork | None = strawberry.federation.field(shareable=True)


@strawberry.type
class SouthQuery:
    @strawberry.federation.field(shareable=True)
    def work(self) -> SouthWork | None:
        return _south_novel()

    @strawberry.field
    def south_work(self) -> SouthWork | None:
        return _south_novel()

    @strawberry.federation.field(shareable=True)
    def novel(self) -> SouthWork | None:
        return _south_novel()

    @strawberry.federation.field(shareable=True)
    def reader(self) -> SouthReader:
        novel = _south_novel()
        return SouthReader(work=novel, south_work=STAGED, novel=novel)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "north": federated_schema(NorthQuery, [NorthNovel, Poem]),
    "south": federated_schema(SouthQuery, [SouthNovel, Play]),
}


def wing_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
