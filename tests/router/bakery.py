"""Two subgraphs for ``@interfaceObject`` types whose keys are not resolvable.

The same shape as the federation gateway audit's
``non-resolvable-interface-object`` suite. ``counter`` owns the entity
interface ``Node @key(id)``, which no type implements anywhere, sees
``Product`` as an ``@interfaceObject`` with a key it cannot resolve, and
lists ``a: Node`` and ``product: Product!``. ``oven`` sees ``Node`` as an
``@interfaceObject`` with a key it cannot resolve (adding ``field``), and
owns ``Product @key(id)`` with its one implementation ``Bread``; it lists
``b: Node``. Neither subgraph can be entered for ``Node``: only fields
``b`` answered are served, and ``a`` can name no concrete type.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation.schema_directives import Key

from tests.router.subgraph_apps import asgi_apps, federated_schema

BREADS = {"p1": "Rye"}


@strawberry.federation.interface(keys=["id"])
class Node:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Node:
        raise ValueError("Not resolvable: no type implements Node")


@strawberry.federation.interface_object(keys=[Key(fields="id", resolvable=False)], name="Product")
class ShelvedProduct:
    id: strawberry.ID


@strawberry.type
class CounterQuery:
    @strawberry.field
    def a(self) -> Node | None:
        return Node(id=strawberry.ID("n1"))  # no object type to name: an error in its place

    @strawberry.field
    def product(self) -> ShelvedProduct:
        return ShelvedProduct(id=strawberry.ID("p1"))


@strawberry.federation.interface_object(keys=[Key(fields="id", resolvable=False)], name="Node")
class BakedNode:
    id: strawberry.ID

    @strawberry.field
    def field(self) -> str | None:
        return "foo"


@strawberry.federation.interface(keys=["id"])
class Product:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        return Bread(id=id, name=BREADS[id])


@strawberry.federation.type(keys=["id"])
class Bread(Product):
    name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Bread:
        return Bread(id=id, name=BREADS[id])


@strawberry.type
class OvenQuery:
    @strawberry.field
    def b(self) -> BakedNode | None:
        return BakedNode(id=strawberry.ID("n1"))


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "counter": federated_schema(CounterQuery, [Node, ShelvedProduct]),
    "oven": federated_schema(OvenQuery, [BakedNode, Product, Bread]),
}


def bakery_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
