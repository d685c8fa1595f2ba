"""A two-subgraph price list whose key field is ``@external`` on a type extension.

``catalog`` owns ``Item`` and its ``name``. ``pricing`` writes ``extend type
Item @key(fields: "id")`` with ``id @external``, as Federation 1 schemas did:
on an extension, an external key field is still the subgraph's to answer, so
``cheapest`` is answered with its ``id`` in pricing's own request.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

# id → (name, price)
ITEMS = {"i1": ("Kettle", 30.0), "i2": ("Toaster", 25.0)}


@strawberry.federation.type(keys=["id"])
class Item:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        return ITEMS[self.id][0]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Item:
        return Item(id=id)


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(id=strawberry.ID(item)) for item in ITEMS]


@strawberry.federation.type(keys=["id"], extend=True, name="Item")
class PricedItem:
    id: strawberry.ID = strawberry.federation.field(external=True)

    @strawberry.field
    def price(self) -> float | None:
        return ITEMS[self.id][1]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PricedItem:
        return PricedItem(id=id)


@strawberry.type
class PricingQuery:
    @strawberry.field
    def cheapest(self) -> PricedItem | None:
        return PricedItem(id=strawberry.ID(min(ITEMS, key=lambda item: ITEMS[item][1])))


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "catalog": federated_schema(CatalogQuery, [Item]),
    "pricing": federated_schema(PricingQuery, [PricedItem]),
}


def pricelist_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
