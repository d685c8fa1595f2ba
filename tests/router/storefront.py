"""A four-subgraph storefront for ``@shareable``, written with strawberry.federation.

``catalog`` and ``stock`` both serve ``Query.product`` and ``Product.name``
(``@shareable``); only ``catalog`` has ``price`` and ``allProducts``, only
``stock`` has ``stock`` and ``warehouse``, whose ``city`` lives in ``geo``.
``reviews`` hands out bare product references (``topReviewed``). The router
should take a shareable field from the subgraph it is already in and pick the
entry point and the hops that make the fewest requests.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

PRODUCTS = {"p1": ("Kettle", 30, 12, "w1"), "p2": ("Toaster", 45, 0, "w2")}
CITIES = {"w1": "Leeds", "w2": "Turin"}


# catalog ----------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class Product:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    price: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Product:
        name, price, _, _ = PRODUCTS[id]
        return Product(id=id, name=name, price=price)


@strawberry.type
class CatalogQuery:
    @strawberry.federation.field(shareable=True)
    def product(self, id: strawberry.ID) -> Product | None:
        return Product.resolve_reference(id) if id in PRODUCTS else None

    @strawberry.field
    def all_products(self) -> list[Product]:
        return [Product.resolve_reference(strawberry.ID(i)) for i in PRODUCTS]


# stock ------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class Warehouse:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Warehouse:
        return Warehouse(id=id)


@strawberry.federation.type(keys=["id"], name="Product")
class StockedProduct:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    stock: int
    warehouse: Warehouse

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> StockedProduct:
        name, _, stock, warehouse = PRODUCTS[id]
        return StockedProduct(
            id=id, name=name, stock=stock, warehouse=Warehouse(id=strawberry.ID(warehouse))
        )


@strawberry.type
class StockQuery:
    @strawberry.federation.field(shareable=True)
    def product(self, id: strawberry.ID) -> StockedProduct | None:
        return StockedProduct.resolve_reference(id) if id in PRODUCTS else None


# geo --------------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Warehouse")
class LocatedWarehouse:
    id: strawberry.ID

    @strawberry.field
    def city(self) -> str:
        return CITIES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> LocatedWarehouse:
        return LocatedWarehouse(id=id)


@strawberry.type
class GeoQuery:
    @strawberry.field
    def cities(self) -> list[str]:
        return sorted(CITIES.values())


# reviews ----------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Product")
class ReviewedProduct:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ReviewedProduct:
        return ReviewedProduct(id=id)


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def top_reviewed(self) -> list[ReviewedProduct]:
        return [ReviewedProduct(id=strawberry.ID("p2")), ReviewedProduct(id=strawberry.ID("p1"))]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "catalog": federated_schema(CatalogQuery, [Product]),
    "stock": federated_schema(StockQuery, [StockedProduct, Warehouse]),
    "geo": federated_schema(GeoQuery, [LocatedWarehouse]),
    "reviews": federated_schema(ReviewsQuery, [ReviewedProduct]),
}


def storefront_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
