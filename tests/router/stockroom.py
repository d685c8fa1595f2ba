"""A four-subgraph stockroom for ``@override``, written with strawberry.federation.

``legacy`` used to own all of ``Product`` (keys ``id`` and ``sku``). ``stock``
has taken over ``inStock`` and ``sku`` with ``@override(from: "legacy")``;
``legacy`` still resolves references by ``sku`` (its key), so its ``sku`` is
``usedOverridden``. ``rating`` moves to ``stock`` only under the progressive
label ``ratings-v2``, which no request switches on. ``pricing`` knows products
by ``sku`` only; ``shipping`` requires ``inStock``, so the requirement must
come from its new owner.

``legacy`` keeps its resolvers for what it handed over, answering from tables
nobody updates any more (old SKU codes, stale stock levels), and ``stock``
already answers ``rating`` from its new model: each value shows which
subgraph answered it.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation.schema_directives import Override

from tests.router.subgraph_apps import asgi_apps, federated_schema

PRODUCTS = {"p1": ("Lamp", "SKU-1"), "p2": ("Desk", "SKU-2")}
BY_SKU = {sku: product_id for product_id, (_, sku) in PRODUCTS.items()}
IN_STOCK = {"p1": False, "p2": True}
PRICES = {"SKU-1": 40, "SKU-2": 250}
LEGACY_SKUS = {"p1": "L-0001", "p2": "L-0002"}
LEGACY_IN_STOCK = {"p1": True, "p2": False}
LEGACY_RATINGS = {"p1": 4, "p2": 5}
NEW_RATINGS = {"p1": 3, "p2": 2}


# legacy -----------------------------------------------------------------------


@strawberry.federation.type(keys=["id", "sku"])
class Product:
    id: strawberry.ID
    name: str

    @strawberry.field
    def sku(self) -> str:
        return LEGACY_SKUS[self.id]

    @strawberry.field
    def in_stock(self) -> bool:
        return LEGACY_IN_STOCK[self.id]

    @strawberry.field
    def rating(self) -> int:
        return LEGACY_RATINGS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID | None = None, sku: str | None = None) -> Product:
        product_id = id if id is not None else BY_SKU[str(sku)]
        return Product(id=strawberry.ID(product_id), name=PRODUCTS[product_id][0])


@strawberry.type
class LegacyQuery:
    @strawberry.field
    def products(self) -> list[Product]:
        return [Product.resolve_reference(strawberry.ID(i)) for i in PRODUCTS]


# stock ------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Product")
class StockedProduct:
    id: strawberry.ID

    @strawberry.federation.field(override="legacy", shareable=True)
    def sku(self) -> str:
        return PRODUCTS[self.id][1]

    @strawberry.federation.field(override="legacy")
    def in_stock(self) -> bool:
        return IN_STOCK[self.id]

    @strawberry.federation.field(override=Override(override_from="legacy", label="ratings-v2"))
    def rating(self) -> int:
        return NEW_RATINGS[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> StockedProduct:
        return StockedProduct(id=id)


@strawberry.type
class StockQuery:
    @strawberry.field
    def restocking(self) -> bool:
        return True


# pricing ----------------------------------------------------------------------


@strawberry.federation.type(keys=["sku"], name="Product")
class PricedProduct:
    sku: str = strawberry.federation.field(shareable=True)

    @strawberry.field
    def price(self) -> int:
        return PRICES[self.sku]

    @classmethod
    def resolve_reference(cls, sku: str) -> PricedProduct:
        return PricedProduct(sku=sku)


@strawberry.type
class PricingQuery:
    @strawberry.field
    def cheapest(self) -> PricedProduct:
        return PricedProduct(sku=min(PRICES, key=PRICES.__getitem__))


# shipping ---------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Product")
class ShippedProduct:
    id: strawberry.ID
    in_stock: bool = strawberry.federation.field(external=True, default=False)

    @strawberry.federation.field(requires=["inStock"])
    def shipping_note(self) -> str:
        return "ships today" if self.in_stock else "back-ordered"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, inStock: bool = False) -> ShippedProduct:
        # inStock comes in the representation when shippingNote is asked for (its @requires).
        return ShippedProduct(id=id, in_stock=inStock)


@strawberry.type
class ShippingQuery:
    @strawberry.field
    def carriers(self) -> list[str]:
        return ["post"]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "legacy": federated_schema(LegacyQuery, [Product]),
    "stock": federated_schema(StockQuery, [StockedProduct]),
    "pricing": federated_schema(PricingQuery, [PricedProduct]),
    "shipping": federated_schema(ShippingQuery, [ShippedProduct]),
}


def stockroom_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
