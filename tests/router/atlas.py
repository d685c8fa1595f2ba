"""Two subgraphs whose shared fields have subgraph-local types, written with strawberry.federation.

``maps`` lists ``spots`` (the union ``Spot = Place | Venue``) and ``places``.
It declares ``Place.rating: Int!`` but ``Venue.rating: Int``; ``guide``
declares ``Place.rating: Int``, so the supergraph's ``Place.rating`` is
``Int`` and ``join__field(type: "Int!")`` records maps' own. Asked for
``... on Place { rating } ... on Venue { rating }``, maps must get the two
under different names (its schema refuses them under one).
``Place.landmark`` is ``Landmark`` (``Tower | Bridge``) in ``guide`` but
``Tower`` in ``maps``: maps must never see a fragment on ``Bridge``.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

RATINGS = {"p1": 4, "p2": 5}
LANDMARKS = {"p1": "Eiffel", "p2": "Tower Bridge"}


@strawberry.federation.type(shareable=True)
class Tower:
    name: str


@strawberry.federation.type(shareable=True)
class Bridge:
    name: str
    span: int


@strawberry.federation.type(keys=["id"])
class Place:
    id: strawberry.ID
    rating: int = strawberry.federation.field(shareable=True)
    landmark: Tower = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Place:
        return _place(id)


def _place(id: str) -> Place:
    return Place(id=strawberry.ID(id), rating=RATINGS[id], landmark=Tower(name=LANDMARKS[id]))


@strawberry.type
class Venue:
    id: strawberry.ID
    rating: int | None


Spot = Annotated[Place | Venue, strawberry.union("Spot")]


@strawberry.type
class MapsQuery:
    @strawberry.field
    def spots(self) -> list[Spot]:
        return [_place("p1"), Venue(id=strawberry.ID("v1"), rating=None), _place("p2")]

    @strawberry.field
    def places(self) -> list[Place]:
        return [_place(id) for id in RATINGS]


Landmark = Annotated[Tower | Bridge, strawberry.union("Landmark")]


@strawberry.federation.type(keys=["id"], name="Place")
class GuidePlace:
    id: strawberry.ID
    rating: int | None = strawberry.federation.field(shareable=True)
    landmark: Landmark = strawberry.federation.field(shareable=True)
    tip: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> GuidePlace:
        return GuidePlace(
            id=id, rating=RATINGS[id], landmark=Tower(name=LANDMARKS[id]), tip=f"visit {id}"
        )


@strawberry.type
class GuideQuery:
    @strawberry.field
    def bridges(self) -> list[Bridge]:
        return [Bridge(name="Tower Bridge", span=244)]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "maps": federated_schema(MapsQuery, [Place, Venue, Tower]),
    "guide": federated_schema(GuideQuery, [GuidePlace, Tower, Bridge]),
}


def atlas_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
