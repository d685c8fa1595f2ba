"""A two-subgraph parcel graph for ``@requires`` with arguments.

``catalog`` owns ``Item.weight(unit: Unit = KG)``; ``shipping`` needs the
weight twice, in different units (``costByKg`` requires ``weight(unit: KG)``,
``costByLb`` requires ``weight(unit: LB)``), so one object carries two
requirements on the same field that differ only by argument.
"""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from strawberry.asgi import GraphQL

KILOGRAMS = {"i1": 2.0, "i2": 10.0}
POUNDS_PER_KG = 2.0  # round, so expected costs are easy to read


@strawberry.enum
class Unit(enum.Enum):
    KG = "KG"
    LB = "LB"


@strawberry.federation.type(keys=["id"])
class Item:
    id: strawberry.ID
    name: str

    @strawberry.field
    def weight(self, unit: Unit = Unit.KG) -> float:
        kg = KILOGRAMS[self.id]
        return kg if unit is Unit.KG else kg * POUNDS_PER_KG

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Item:
        return Item(id=id, name=f"item {id}")


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item.resolve_reference(strawberry.ID(i)) for i in KILOGRAMS]


@strawberry.federation.type(keys=["id"], name="Item")
class ShippedItem:
    id: strawberry.ID
    known_weight: strawberry.Private[float | None] = None

    @strawberry.federation.field(external=True)
    def weight(self, unit: Unit = Unit.KG) -> float:
        # External: the router sends it in the representation, in the unit the requirement names.
        return self.known_weight or 0.0

    @strawberry.federation.field(requires=["weight(unit: KG)"])
    def cost_by_kg(self) -> float:
        return 3 * (self.known_weight or 0)

    @strawberry.federation.field(requires=["weight(unit: LB)"])
    def cost_by_lb(self) -> float:
        return 1 * (self.known_weight or 0)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, weight: float | None = None) -> ShippedItem:
        return ShippedItem(id=id, known_weight=weight)


@strawberry.type
class ShippingQuery:
    @strawberry.field
    def carriers(self) -> list[str]:
        return ["post"]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "catalog": strawberry.federation.Schema(
        query=CatalogQuery, types=[Item], federation_version="2.7"
    ),
    "shipping": strawberry.federation.Schema(
        query=ShippingQuery, types=[ShippedItem], federation_version="2.7"
    ),
}


def parcel_apps() -> dict[str, Any]:
    return {name: GraphQL(schema) for name, schema in SCHEMAS.items()}
