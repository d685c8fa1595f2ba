"""Two subgraphs where a union's members type the same field differently.

``roster`` lists guests and knows a ``Guest`` only by its nullable ``id``
(a value type, shareable). ``desk`` owns the union ``Visitor = Guest |
Host``: there ``Guest.id`` is ``ID!`` (its key) but ``Host.id`` is ``ID``.
The supergraph merges ``Guest.id`` to ``ID``, so a client may select ``id``
under both members; sent to ``desk`` as is, that selection would not
validate there (one response name, two types), so the router must keep the
two apart. ``alike`` lists visitors again, to any depth.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

GUESTS = {"g1": "Grace"}
HOSTS = {"h1": "Hal"}


@strawberry.type(name="Guest")
class ListedGuest:
    id: strawberry.ID | None = strawberry.federation.field(shareable=True)


@strawberry.type
class RosterQuery:
    @strawberry.field
    def guests(self) -> list[ListedGuest]:
        return [ListedGuest(id=strawberry.ID(id)) for id in GUESTS]


@strawberry.federation.type(keys=["id"])
class Guest:
    id: strawberry.ID
    name: str | None

    @strawberry.field
    def alike(self) -> list[Visitor]:
        return _visitors()

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Guest | None:
        return Guest(id=id, name=GUESTS[id]) if id in GUESTS else None


@strawberry.type
class Host:
    id: strawberry.ID | None
    name: str | None = strawberry.federation.field(shareable=True)

    @strawberry.field
    def alike(self) -> list[Visitor]:
        return _visitors()


Visitor = Annotated[Guest | Host, strawberry.union("Visitor")]


def _visitors() -> list[Guest | Host]:
    guests: list[Guest | Host] = [Guest(id=strawberry.ID(id), name=n) for id, n in GUESTS.items()]
    return guests + [Host(id=strawberry.ID(id), name=n) for id, n in HOSTS.items()]


@strawberry.type
class DeskQuery:
    @strawberry.field
    def visitors(self) -> list[Visitor]:
        return _visitors()


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "roster": federated_schema(RosterQuery, [ListedGuest]),
    "desk": federated_schema(DeskQuery, [Guest, Host]),
}


def lobby_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
