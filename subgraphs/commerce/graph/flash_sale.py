"""``FlashSale`` and ``seckill``, the flash sale's entry path."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from shared.graphql.ids import parse_typed, require_id
from subgraphs.commerce.catalogue import FlashSaleId, FlashSaleView
from subgraphs.commerce.context import CommerceInfo
from subgraphs.commerce.graph.products import Product, Sku

RequestIdArgument = Annotated[
    str, strawberry.argument(description="Your key for this attempt: a retry reuses it.")
]


@strawberry.federation.type(keys=["id"], description="Units of a SKU sold at a price in a window.")
class FlashSale:
    id: strawberry.ID
    price: int = strawberry.field(description="In minor units of `currency`.")
    currency: str
    total: int = strawberry.field(description="Units on sale.")
    stock: int = strawberry.field(description="Units not yet ordered (the database's count).")
    starts_at: datetime
    ends_at: datetime
    view: strawberry.Private[FlashSaleView]

    @classmethod
    def of(cls, view: FlashSaleView) -> FlashSale:
        return cls(
            id=strawberry.ID(str(view.id)),
            price=view.price,
            currency=view.currency,
            total=view.total,
            stock=view.stock,
            starts_at=view.starts_at,
            ends_at=view.ends_at,
            view=view,
        )

    @classmethod
    async def resolve_reference(cls, info: CommerceInfo, id: strawberry.ID) -> FlashSale | None:
        key = parse_typed(id, FlashSaleId)
        view = await info.context.loaders.flash_sales.load(key) if key is not None else None
        return cls.of(view) if view else None

    @strawberry.field(description="What is on sale.")
    async def sku(self, info: CommerceInfo) -> Sku | None:
        view = await info.context.loaders.skus.load(self.view.sku_id)
        return Sku.of(view) if view else None

    @strawberry.field(description="The product of the SKU on sale.")
    async def product(self, info: CommerceInfo) -> Product | None:
        sku = await info.context.loaders.skus.load(self.view.sku_id)
        view = await info.context.loaders.products.load(sku.product_id) if sku else None
        return Product.of(view) if view else None


@strawberry.type(description="An accepted flash-sale request: its order is being written.")
class SeckillTicket:
    order_id: strawberry.ID = strawberry.field(
        description="Poll `order(id)` (null until written) or subscribe to `orderStatusChanged`."
    )
    flash_sale_id: strawberry.ID


@strawberry.type
class FlashSaleMutation:
    @strawberry.mutation(
        description="Try to buy one unit in a flash sale. One unit per member per sale; "
        "repeating a request id answers the same order."
    )
    async def seckill(
        self, info: CommerceInfo, flash_sale_id: strawberry.ID, request_id: RequestIdArgument
    ) -> SeckillTicket:
        user = info.context.require_viewer()
        sale_id = require_id(flash_sale_id, FlashSaleId, field="flashSaleId")
        ticket = await info.context.commerce.seckill.enter(
            user, info.context.client_ip, sale_id, request_id
        )
        return SeckillTicket(
            order_id=strawberry.ID(str(ticket.order_id)),
            flash_sale_id=strawberry.ID(str(ticket.flash_sale_id)),
        )
