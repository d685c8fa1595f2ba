"""A two-subgraph graph where an interface field is narrowed by its implementation and provides.

``charts`` declares ``interface Tune { twin: Tune }`` and implements it with
``Single``, whose ``twin`` (another single of the same length) is a
``Single`` and provides its ``length``; ``lengths`` owns ``length``
(shareable). A client may select ``twin`` through the interface and through
``... on Single`` at once; only the root single's length needs ``lengths``.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

LENGTHS = {"s1": 3.5, "s2": 4.25, "s3": 3.5}


@strawberry.interface
class Tune:
    twin: Tune | None


@strawberry.federation.type(keys=["id"])
class Single(Tune):
    id: strawberry.ID
    length: float | None = strawberry.federation.field(external=True)

    @strawberry.federation.field(provides=["length"])
    def twin(self) -> Single | None:
        for id, length in LENGTHS.items():
            if id != self.id and length == self.length:
                return Single(id=strawberry.ID(id), length=length)
        return None


@strawberry.type
class ChartsQuery:
    @strawberry.field
    def track(self) -> Tune | None:
        return Single(id=strawberry.ID("s1"), length=LENGTHS["s1"])


@strawberry.federation.type(keys=["id"], name="Single")
class TimedSingle:
    id: strawberry.ID
    length: float | None = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> TimedSingle | None:
        return TimedSingle(id=id, length=LENGTHS[id]) if id in LENGTHS else None


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "charts": federated_schema(ChartsQuery, [Tune, Single]),
    "lengths": federated_schema(None, [TimedSingle]),
}


def single_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
