"""``Product`` and its ``Sku`` variants."""

from __future__ import annotations

from datetime import datetime

import strawberry

from shared.graphql.connections import PageInfo
from shared.graphql.ids import parse_typed
from subgraphs.commerce.catalogue import ProductId, ProductView, SkuView
from subgraphs.commerce.context import CommerceInfo


@strawberry.type(description="One purchasable variant of a product.")
class Sku:
    id: strawberry.ID
    name: str
    price: int = strawberry.field(description="In minor units of `currency`.")
    currency: str
    stock: int

    @classmethod
    def of(cls, view: SkuView) -> Sku:
        return cls(
            id=strawberry.ID(str(view.id)),
            name=view.name,
            price=view.price,
            currency=view.currency,
            stock=view.stock,
        )


@strawberry.federation.type(keys=["id"], description="Something for sale.")
class Product:
    id: strawberry.ID
    title: str
    description: str
    created_at: datetime
    view: strawberry.Private[ProductView]

    @classmethod
    def of(cls, view: ProductView) -> Product:
        return cls(
            id=strawberry.ID(str(view.id)),
            title=view.title,
            description=view.description,
            created_at=view.created_at,
            view=view,
        )

    @classmethod
    async def resolve_reference(cls, info: CommerceInfo, id: strawberry.ID) -> Product | None:
        key = parse_typed(id, ProductId)
        view = await info.context.loaders.products.load(key) if key is not None else None
        return cls.of(view) if view else None

    @strawberry.field(description="Its variants, in the order they were added.")
    async def skus(self, info: CommerceInfo) -> list[Sku]:
        return [Sku.of(s) for s in await info.context.loaders.product_skus.load(self.view.id) or []]

    @strawberry.field(description="Its lowest SKU price, in minor units of `currency`.")
    async def price(self, info: CommerceInfo) -> int:
        skus = await info.context.loaders.product_skus.load(self.view.id) or []
        return min((s.price for s in skus), default=0)

    @strawberry.field(description="Units in stock over all its SKUs.")
    async def stock(self, info: CommerceInfo) -> int:
        return sum(
            s.stock for s in await info.context.loaders.product_skus.load(self.view.id) or []
        )


@strawberry.type
class ProductEdge:
    cursor: str
    node: Product


@strawberry.type(description="A page of products, newest first.")
class ProductConnection:
    edges: list[ProductEdge]
    page_info: PageInfo
    total_count: int
