"""A two-subgraph library for ``@interfaceObject`` tests, written with strawberry.federation.

``media`` owns the entity interface ``Media @key(id)`` and its implementations
``Book`` and ``Film``; ``ratings`` sees ``Media`` as an ``@interfaceObject``
(it knows no concrete types) and adds ``rating`` and ``Query.topRated``. The
router must send ``{"__typename": "Media", ...}`` representations to
``ratings`` and learn the concrete ``__typename`` from ``media``.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL


@strawberry.federation.interface(keys=["id"])
class Media:
    id: strawberry.ID
    title: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Media:
        return CATALOG[id]


@strawberry.federation.type(keys=["id"])
class Book(Media):
    pages: int


@strawberry.federation.type(keys=["id"])
class Film(Media):
    minutes: int


CATALOG: dict[str, Media] = {
    "b1": Book(id=strawberry.ID("b1"), title="Dune", pages=412),
    "f1": Film(id=strawberry.ID("f1"), title="Alien", minutes=117),
    "b2": Book(id=strawberry.ID("b2"), title="Emma", pages=474),
}
RATINGS = {"b1": 5, "f1": 4, "b2": 3}


@strawberry.type
class MediaQuery:
    @strawberry.field
    def media(self) -> list[Media]:
        return list(CATALOG.values())


@strawberry.federation.interface_object(keys=["id"], name="Media")
class RatedMedia:
    id: strawberry.ID

    @strawberry.field
    def rating(self) -> int:
        return RATINGS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> RatedMedia:
        return RatedMedia(id=id)


@strawberry.type
class RatingsQuery:
    @strawberry.field
    def top_rated(self, first: int = 2) -> list[RatedMedia]:
        ranked = sorted(RATINGS, key=lambda media_id: -RATINGS[media_id])
        return [RatedMedia(id=strawberry.ID(media_id)) for media_id in ranked[:first]]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "media": strawberry.federation.Schema(
        query=MediaQuery, types=[Book, Film], federation_version="2.7"
    ),
    "ratings": strawberry.federation.Schema(
        query=RatingsQuery, types=[RatedMedia], federation_version="2.7"
    ),
}


def library_apps() -> dict[str, Any]:
    return {name: GraphQL(schema) for name, schema in SCHEMAS.items()}
