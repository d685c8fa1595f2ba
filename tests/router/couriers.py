"""A three-subgraph graph where the only way to a key is through an entity that may be null.

``shipments`` lists shipments, each with a ``Parcel`` it knows by ``code``;
``labels`` knows parcels by ``code`` and by ``id`` and answers ``null`` for
the parcel it has no label for (``x-9``); ``carriers`` knows parcels only by
``id`` and says who carries them. ``labels`` is the only way from a
``code`` to an ``id``, so the parcel without a label can reach no courier:
its ``courier`` is null, without an error, and ``carriers`` is not asked
about it.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

# code -> (id, courier id, courier name); labels knows every parcel but the last.
PARCELS = {"x-1": ("101", "k1", "Ines"), "x-2": ("102", "k2", "Omar"), "x-9": ("109", "k3", "Lou")}
UNLABELLED = "x-9"


@strawberry.federation.type(keys=["code"], name="Parcel")
class ShippedParcel:
    code: strawberry.ID


@strawberry.type
class Shipment:
    parcel: ShippedParcel | None


@strawberry.type
class ShipmentsQuery:
    @strawberry.field
    def shipments(self) -> list[Shipment | None]:
        return [Shipment(parcel=ShippedParcel(code=strawberry.ID(code))) for code in PARCELS]


@strawberry.federation.type(keys=["id", "code"], name="Parcel")
class LabelledParcel:
    id: strawberry.ID
    code: strawberry.ID

    @classmethod
    def resolve_reference(cls, **key: Any) -> LabelledParcel | None:
        for code, (id, _, _) in PARCELS.items():
            if code != UNLABELLED and key.get("code", code) == code and key.get("id", id) == id:
                return LabelledParcel(id=strawberry.ID(id), code=strawberry.ID(code))
        return None


@strawberry.federation.type(keys=["id"], name="Parcel")
class CarriedParcel:
    id: strawberry.ID

    @strawberry.field
    def courier(self) -> Courier | None:
        for id, courier, name in PARCELS.values():
            if id == self.id:
                return Courier(id=strawberry.ID(courier), name=name)
        return None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CarriedParcel:
        return CarriedParcel(id=id)


@strawberry.type
class Courier:
    id: strawberry.ID
    name: str | None


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "shipments": federated_schema(ShipmentsQuery, [ShippedParcel]),
    "labels": federated_schema(None, [LabelledParcel]),
    "carriers": federated_schema(None, [CarriedParcel]),
}


def courier_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
