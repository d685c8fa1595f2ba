"""A two-subgraph graph whose entity has four keys, each resolvable in a different subgraph.

``Van`` is keyed by ``vin``, by ``plate``, by ``serial { region batch }``
and by ``vin serial { batch line }``. ``vans`` resolves vans only by
``vin`` and owns ``nickname``; ``depots`` lists each depot's vans, resolves
them only by ``vin serial { batch line }`` and derives ``label`` from the
nickname (``@requires``). Asking a depot's vans for their label goes to
``vans`` with the ``vin`` and comes back to ``depots`` with the other key.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from tests.router.subgraph_apps import asgi_apps, federated_schema

# vin -> (plate, (region, batch, line), nickname)
VANS = {
    "V-7": ("KA-11", ("north", "b2", "l4"), "Bluebell"),
    "V-8": ("KA-12", ("south", "b3", "l1"), "Marge"),
}
DEPOTS = {"d1": ["V-8", "V-7"]}


def _keys(resolvable: str) -> list[Key]:
    return [
        Key(fields=FieldSet(fields), resolvable=fields == resolvable)
        for fields in ("vin", "plate", "serial { region batch }", "vin serial { batch line }")
    ]


@strawberry.federation.type(shareable=True)
class Serial:
    region: str
    batch: str
    line: str


def _serial(vin: str) -> Serial:
    region, batch, line = VANS[vin][1]
    return Serial(region=region, batch=batch, line=line)


@strawberry.federation.type(keys=_keys("vin"), name="Van")
class NamedVan:
    vin: strawberry.ID
    plate: str
    serial: Serial
    nickname: str

    @classmethod
    def resolve_reference(cls, vin: strawberry.ID, **_: Any) -> NamedVan:
        return NamedVan(vin=vin, plate=VANS[vin][0], serial=_serial(vin), nickname=VANS[vin][2])


@strawberry.federation.type(keys=_keys("vin serial { batch line }"), name="Van")
class DepotVan:
    vin: strawberry.ID
    plate: str
    serial: Serial
    nickname: str = strawberry.federation.field(external=True, default="")

    @strawberry.federation.field(requires=["nickname"])
    def label(self) -> str:
        if not self.nickname:
            raise ValueError("Van.nickname was not sent")
        return f"{self.nickname} ({self.plate})"

    @classmethod
    def resolve_reference(cls, vin: strawberry.ID, **key: Any) -> DepotVan:
        van = _van(vin)
        van.nickname = key.get("nickname", "")
        return van


def _van(vin: str) -> DepotVan:
    return DepotVan(vin=strawberry.ID(vin), plate=VANS[vin][0], serial=_serial(vin))


@strawberry.federation.type(keys=["id"])
class Depot:
    id: strawberry.ID

    @strawberry.field
    def vans(self) -> list[DepotVan]:
        return [_van(vin) for vin in DEPOTS[self.id]]


@strawberry.type
class DepotsQuery:
    @strawberry.field
    def depot(self) -> Depot | None:
        return Depot(id=strawberry.ID("d1"))


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "depots": federated_schema(DepotsQuery, [Depot, DepotVan]),
    "vans": federated_schema(None, [NamedVan]),
}


def fleet_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
