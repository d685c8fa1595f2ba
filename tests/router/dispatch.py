"""A two-subgraph graph whose subgraphs answer enum values clients must not see.

``orders`` owns ``Order`` and the enum ``Status``, whose value ``HELD`` is
``@inaccessible``; order ``o2`` is held. ``status`` is nullable, ``state``
(the same value) is not, and ``orders`` lists nullable orders. ``tracking``
adds ``Order.lastStatus`` through ``_entities``, also ``HELD`` for ``o2``.
The router must answer ``null`` with an error wherever ``HELD`` comes back.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

STATUSES = {"o1": "OPEN", "o2": "HELD", "o3": "SHIPPED"}


@strawberry.federation.enum
class Status(enum.Enum):
    OPEN = "OPEN"
    SHIPPED = "SHIPPED"
    HELD = strawberry.federation.enum_value("HELD", inaccessible=True)


@strawberry.federation.type(keys=["id"])
class Order:
    id: strawberry.ID
    status: Status | None
    state: Status


@strawberry.type
class OrdersQuery:
    @strawberry.field
    def orders(self) -> list[Order | None]:
        return [
            Order(id=strawberry.ID(id), status=Status(value), state=Status(value))
            for id, value in STATUSES.items()
        ]


@strawberry.federation.type(keys=["id"], name="Order")
class TrackedOrder:
    id: strawberry.ID

    @strawberry.field
    def last_status(self) -> Status | None:
        return Status(STATUSES[self.id])

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> TrackedOrder:
        return TrackedOrder(id=id)


@strawberry.type
class TrackingQuery:
    @strawberry.field
    def carrier(self) -> str:
        return "post"


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "orders": federated_schema(OrdersQuery, [Order, Status]),
    "tracking": federated_schema(TrackingQuery, [TrackedOrder, Status]),
}


def dispatch_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
