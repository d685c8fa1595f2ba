"""A two-subgraph household graph for ``@requires`` on an interface-typed field.

``directory`` owns each ``Resident``'s ``home``, typed by the interface
``Place``, whose implementations ``House``, ``Office`` and ``Cabin`` are
entities. ``people`` knows only ``House`` and ``Office``, marks ``home``
``@external`` and computes ``town`` from ``home { id }`` (any kind of place)
and ``officeFloor`` from ``home { ... on Office { id } }`` (offices only).
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

# resident → (kind of home, home id)
HOMES = {"r1": ("House", "h1"), "r2": ("Office", "o1"), "r3": ("Cabin", "c1")}
TOWNS = {"h1": "Leeds", "o1": "Derby", "c1": "Keswick"}
FLOORS = {"o1": 3}


@strawberry.interface(name="Place")
class ListedPlace:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="House")
class ListedHouse(ListedPlace):
    pass


@strawberry.federation.type(keys=["id"], name="Office")
class ListedOffice(ListedPlace):
    pass


@strawberry.federation.type(keys=["id"])
class Cabin(ListedPlace):
    pass


PLACES = {"House": ListedHouse, "Office": ListedOffice, "Cabin": Cabin}


@strawberry.federation.type(keys=["id"], name="Resident")
class ListedResident:
    id: strawberry.ID

    @strawberry.field
    def home(self) -> ListedPlace | None:
        kind, place = HOMES[self.id]
        return PLACES[kind](id=strawberry.ID(place))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ListedResident:
        return ListedResident(id=id)


@strawberry.type
class DirectoryQuery:
    @strawberry.field
    def residents(self) -> list[ListedResident]:
        return [ListedResident(id=strawberry.ID(resident)) for resident in HOMES]


@strawberry.interface
class Place:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class House(Place):
    pass


@strawberry.federation.type(keys=["id"])
class Office(Place):
    pass


@strawberry.federation.type(keys=["id"])
class Resident:
    id: strawberry.ID
    sent: strawberry.Private[dict[str, Any]]

    @strawberry.federation.field(external=True)
    def home(self) -> Place | None:
        return None

    @strawberry.federation.field(requires=["home { id }"])
    def town(self) -> str | None:
        return TOWNS[self.sent["id"]]

    @strawberry.federation.field(requires=["home { ... on Office { id } }"])
    def office_floor(self) -> int | None:
        return FLOORS.get(self.sent.get("id", ""))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, home: dict[str, Any] | None = None) -> Resident:
        return Resident(id=id, sent=home or {})


@strawberry.type
class PeopleQuery:
    @strawberry.field
    def me(self) -> Resident:
        return Resident(id=strawberry.ID("r1"), sent={})


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "people": federated_schema(PeopleQuery, [Resident, House, Office]),
    "directory": federated_schema(
        DirectoryQuery, [ListedResident, ListedHouse, ListedOffice, Cabin]
    ),
}


def household_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
