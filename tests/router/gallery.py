"""A two-subgraph graph for ``@interfaceObject`` values, written with strawberry.federation.

``catalog`` owns the entity interface ``Exhibit @key(id)`` and its one
implementation ``Painting``, and the entity interface ``Room @key(id)``,
which no type implements. ``visits`` sees both as ``@interfaceObject`` types
(answering ``__typename`` with the interface's name), adds ``visitors`` and
lists ``popular`` exhibits and ``rooms``. A selection that needs no concrete
type is served as ``visits`` answered it; only ``__typename`` or a type
condition sends the router to ``catalog`` for the concrete type.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

VISITORS = {"e1": 120, "e2": 80}
ROOMS = {"r1": 40}


@strawberry.federation.interface(keys=["id"])
class Exhibit:
    id: strawberry.ID
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Exhibit:
        return Painting(id=id, name=f"Painting {id}", artist="Vermeer")


@strawberry.federation.type(keys=["id"])
class Painting(Exhibit):
    artist: str


@strawberry.federation.interface(keys=["id"])
class Room:
    id: strawberry.ID


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def exhibits(self) -> list[Exhibit]:
        return [
            Painting(id=strawberry.ID(id), name=f"Painting {id}", artist="Vermeer")
            for id in VISITORS
        ]


@strawberry.federation.interface_object(keys=["id"], name="Exhibit")
class VisitedExhibit:
    id: strawberry.ID

    @strawberry.field
    def visitors(self) -> int:
        return VISITORS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> VisitedExhibit:
        return VisitedExhibit(id=id)


@strawberry.federation.interface_object(keys=["id"], name="Room")
class VisitedRoom:
    id: strawberry.ID

    @strawberry.field
    def visitors(self) -> int:
        return ROOMS[self.id]


@strawberry.type
class VisitsQuery:
    @strawberry.field
    def popular(self) -> list[VisitedExhibit]:
        return [VisitedExhibit(id=strawberry.ID(id)) for id in VISITORS]

    @strawberry.field
    def rooms(self) -> list[VisitedRoom]:
        return [VisitedRoom(id=strawberry.ID(id)) for id in ROOMS]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "catalog": federated_schema(CatalogQuery, [Painting, Room]),
    "visits": federated_schema(VisitsQuery, [VisitedExhibit, VisitedRoom]),
}


def gallery_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
