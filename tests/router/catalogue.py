"""A two-subgraph graph with an ``@external`` key field, written with strawberry.federation.

``products`` owns ``Product`` (keys ``id`` and ``sku``) and its ``name``.
``reviews`` lists ``topReviewed`` products and adds their ``reviews``; it
declares ``Product.id`` ``@external``: part of a key, yet not its to answer.
Its resolver fills ``id`` with a made-up value, so an answer containing
``made-up`` shows the router read an external field from it.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

PRODUCTS = {"s1": ("p1", "Desk"), "s2": ("p2", "Lamp")}


@strawberry.federation.type(keys=["id", "sku"])
class Product:
    id: strawberry.ID
    sku: str
    name: str

    @classmethod
    def resolve_reference(cls, **key: Any) -> Product:
        sku = key.get("sku") or next(s for s, (i, _) in PRODUCTS.items() if i == key["id"])
        id, name = PRODUCTS[sku]
        return Product(id=strawberry.ID(id), sku=sku, name=name)


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def product_count(self) -> int:
        return len(PRODUCTS)


@strawberry.federation.type(keys=["id", "sku"], name="Product")
class ReviewedProduct:
    id: strawberry.ID = strawberry.federation.field(external=True)
    sku: str

    @strawberry.field
    def reviews(self) -> list[str]:
        return [f"{self.sku} is fine"]

    @classmethod
    def resolve_reference(cls, **key: Any) -> ReviewedProduct:
        return ReviewedProduct(id=strawberry.ID("made-up"), sku=key.get("sku", "s1"))


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def top_reviewed(self) -> list[ReviewedProduct]:
        return [ReviewedProduct(id=strawberry.ID("made-up"), sku=sku) for sku in PRODUCTS]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "products": federated_schema(ProductsQuery, [Product]),
    "reviews": federated_schema(ReviewsQuery, [ReviewedProduct]),
}


def catalogue_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
