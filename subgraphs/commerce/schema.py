"""The commerce subgraph: ``Product``, ``FlashSale``, ``Order``, ``MembershipPlan``,
``User.membership``, the flash sale, payment and delivery.

``User`` belongs to accounts: this subgraph declares its key and adds
``membership``. Money is ``Int`` minor units with a ``currency`` code. Orders
are visible to their buyer only (``order(id)`` is null for anyone else);
shipping needs the ``orders:ship`` scope, enforced by the router
(``@requiresScopes``) and checked again here.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.errors import BadUserInput, Forbidden
from shared.graphql.app import schema_extensions
from shared.graphql.arguments import After, First, IdArgument
from shared.graphql.connections import PageInfo
from shared.graphql.ids import parse_typed, require_id
from shared.graphql.scalars import schema_config
from shared.graphql.users import UserKey
from shared.pagination import DEFAULT_FIRST, check_first, decode_cursor, encode_cursor
from subgraphs.commerce import catalogue
from subgraphs.commerce.catalogue import (
    FlashSaleId,
    FlashSaleView,
    PlanId,
    PlanView,
    ProductId,
    ProductView,
    SkuView,
)
from subgraphs.commerce.checkout import PaymentView
from subgraphs.commerce.context import CommerceContext
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.orders import OrderView, Transition, order_count, orders_of_user
from subgraphs.commerce.seckill import check_request_id
from subgraphs.commerce.service import MembershipView

CommerceInfo = Info[CommerceContext, None]
SHIP_SCOPE = "orders:ship"
REFUND_SCOPE = "orders:refund"
RECHECK = 5.0
"""Seconds a subscription waits for a change before reading the order again anyway."""


@strawberry.enum(description="Where an order is in its life.")
class OrderStatus(enum.Enum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CLOSED = "CLOSED"
    REFUNDED = "REFUNDED"


@strawberry.enum(description="What an order buys.")
class OrderKind(enum.Enum):
    FLASH_SALE = "FLASH_SALE"
    MEMBERSHIP = "MEMBERSHIP"


@strawberry.type(description="A member's current membership.")
class Membership:
    tier: str
    expires_at: datetime

    @classmethod
    def of(cls, view: MembershipView) -> Membership:
        return cls(tier=view.tier, expires_at=view.expires_at)


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User(UserKey):
    @strawberry.field(description="The member's unexpired membership; null when none.")
    async def membership(self, info: CommerceInfo) -> Membership | None:
        view = await info.context.loaders.memberships.load(self.user_id)
        return Membership.of(view) if view else None

    @strawberry.field(description="Your own orders, newest first (FORBIDDEN for anyone else's).")
    async def orders(
        self, info: CommerceInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> OrderConnection:
        if info.context.require_viewer() != self.user_id:
            raise Forbidden("Only the member sees their orders.")
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        async with info.context.database.transaction() as session:
            views, more = await orders_of_user(session, self.user_id, size, position)
            total = await order_count(session, self.user_id)
        edges = [OrderEdge(cursor=encode_cursor(v.position), node=Order.of(v)) for v in views]
        return OrderConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], has_next_page=more, after=after),
            total_count=total,
        )


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


@strawberry.type(description="A membership that can be bought; buying one is an order.")
class MembershipPlan:
    id: strawberry.ID
    tier: str
    name: str
    price: int = strawberry.field(description="In minor units of `currency`.")
    currency: str
    days: int = strawberry.field(description="Days added to the membership once paid.")

    @classmethod
    def of(cls, view: PlanView) -> MembershipPlan:
        return cls(
            id=strawberry.ID(str(view.id)),
            tier=view.tier,
            name=view.name,
            price=view.price,
            currency=view.currency,
            days=view.days,
        )


@strawberry.federation.type(keys=["id"], description="A member's order, seen by that member.")
class Order:
    id: strawberry.ID
    kind: OrderKind
    status: OrderStatus
    amount: int = strawberry.field(description="In minor units of `currency`.")
    currency: str
    tracking_number: str | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None = strawberry.field(
        description="When an unpaid order closes, or a shipped one completes by itself."
    )
    view: strawberry.Private[OrderView]

    @classmethod
    def of(cls, view: OrderView) -> Order:
        return cls(
            id=strawberry.ID(str(view.id)),
            kind=OrderKind(view.kind.value),
            status=OrderStatus(view.status.value),
            amount=view.amount,
            currency=view.currency,
            tracking_number=view.tracking_number,
            created_at=view.created_at,
            updated_at=view.updated_at,
            due_at=view.due_at,
            view=view,
        )

    @classmethod
    async def resolve_reference(cls, info: CommerceInfo, id: strawberry.ID) -> Order | None:
        key = parse_typed(id, OrderId)
        view = await info.context.loaders.orders.load(key) if key is not None else None
        viewer = info.context.viewer
        return cls.of(view) if view and view.user_id == viewer else None

    @strawberry.field(description="Who placed it.")
    def buyer(self) -> User:
        return User.of(self.view.user_id)

    @strawberry.field(description="The flash sale it came from, for a FLASH_SALE order.")
    async def flash_sale(self, info: CommerceInfo) -> FlashSale | None:
        sale_id = self.view.flash_sale_id
        view = (
            await info.context.loaders.flash_sales.load(FlashSaleId(sale_id)) if sale_id else None
        )
        return FlashSale.of(view) if view else None

    @strawberry.field(description="The plan it buys, for a MEMBERSHIP order.")
    async def plan(self, info: CommerceInfo) -> MembershipPlan | None:
        if self.view.plan_id is None:
            return None
        async with info.context.database.transaction() as session:
            view = await catalogue.membership_plan(session, PlanId(self.view.plan_id))
        return MembershipPlan.of(view) if view else None


@strawberry.type
class OrderEdge:
    cursor: str
    node: Order


@strawberry.type(description="A page of a member's orders, newest first.")
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A payment started for an order; the provider confirms it later.")
class Payment:
    id: strawberry.ID
    amount: int
    currency: str
    status: str = strawberry.field(description="CREATED, SUCCEEDED, REFUND_DUE or REFUNDED.")
    checkout_url: str = strawberry.field(description="Where the buyer completes the payment.")
    view: strawberry.Private[PaymentView]

    @classmethod
    def of(cls, view: PaymentView) -> Payment:
        return cls(
            id=strawberry.ID(str(view.id)),
            amount=view.amount,
            currency=view.currency,
            status=view.status,
            checkout_url=view.checkout_url,
            view=view,
        )

    @strawberry.field(description="The order it pays.")
    async def order(self, info: CommerceInfo) -> Order | None:
        view = await info.context.loaders.orders.load(self.view.order_id)
        return Order.of(view) if view else None


@strawberry.type(description="An accepted flash-sale request: its order is being written.")
class SeckillTicket:
    order_id: strawberry.ID = strawberry.field(
        description="Poll `order(id)` (null until written) or subscribe to `orderStatusChanged`."
    )
    flash_sale_id: strawberry.ID


def _order_id(raw: strawberry.ID, field: str = "orderId") -> OrderId:
    return require_id(raw, OrderId, field=field)


def _require_scope(info: CommerceInfo, scope: str) -> None:
    """The router enforces ``@requiresScopes``; a request reaching the service directly too."""
    claims = info.context.claims
    if claims is None or scope not in claims.scopes:
        raise Forbidden(f"This needs a merchant token with the scope {scope}.")


def _moved(moved: Transition) -> Order:
    return Order.of(moved.order)


@strawberry.type
class Query:
    @strawberry.field(description="Products, newest first.")
    async def products(
        self, info: CommerceInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> ProductConnection:
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        async with info.context.database.transaction() as session:
            views, more = await catalogue.products_page(session, size, position)
            total = await catalogue.product_count(session)
        edges = [ProductEdge(cursor=encode_cursor(v.position), node=Product.of(v)) for v in views]
        return ProductConnection(
            edges=edges,
            page_info=PageInfo.of([e.cursor for e in edges], has_next_page=more, after=after),
            total_count=total,
        )

    @strawberry.field(description="A product by id, or null if there is none.")
    async def product(self, info: CommerceInfo, id: IdArgument) -> Product | None:
        return await Product.resolve_reference(info, id)

    @strawberry.field(description="Flash sales that have not ended, soonest first (at most 100).")
    async def flash_sales(self, info: CommerceInfo) -> list[FlashSale]:
        async with info.context.database.transaction() as session:
            return [FlashSale.of(v) for v in await catalogue.current_flash_sales(session)]

    @strawberry.field(description="Membership plans, cheapest first.")
    async def membership_plans(self, info: CommerceInfo) -> list[MembershipPlan]:
        async with info.context.database.transaction() as session:
            return [MembershipPlan.of(v) for v in await catalogue.membership_plans(session)]

    @strawberry.field(description="One of your orders; null if it is not yours or not written yet.")
    async def order(self, info: CommerceInfo, id: IdArgument) -> Order | None:
        info.context.require_viewer()
        return await Order.resolve_reference(info, id)


RequestIdArgument = Annotated[
    str, strawberry.argument(description="Your key for this attempt: a retry reuses it.")
]


@strawberry.type
class Mutation:
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

    @strawberry.mutation(description="Order a membership plan; pay the order to extend membership.")
    async def buy_membership(
        self, info: CommerceInfo, plan_id: strawberry.ID, request_id: RequestIdArgument
    ) -> Order:
        user = info.context.require_viewer()
        plan = require_id(plan_id, PlanId, field="planId")
        async with info.context.database.transaction() as session:
            view = await info.context.service.buy_membership(
                session, user, plan, check_request_id(request_id)
            )
        return Order.of(view)

    @strawberry.mutation(description="Start paying an unpaid order of yours.")
    async def pay_order(
        self,
        info: CommerceInfo,
        order_id: strawberry.ID,
        idempotency_key: Annotated[
            str, strawberry.argument(description="Your key for this payment: a retry reuses it.")
        ],
    ) -> Payment:
        user = info.context.require_viewer()
        view = await info.context.commerce.checkout.pay(user, _order_id(order_id), idempotency_key)
        return Payment.of(view)

    @strawberry.mutation(description="Cancel an unpaid order of yours; its unit goes back on sale.")
    async def cancel_order(self, info: CommerceInfo, order_id: strawberry.ID) -> Order:
        user = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            moved = await info.context.service.cancel(session, user, _order_id(order_id))
        return _moved(moved)

    @strawberry.federation.mutation(
        description="Ship a paid order with a tracking number (merchants: scope orders:ship).",
        requires_scopes=[[SHIP_SCOPE]],
    )
    async def ship_order(
        self, info: CommerceInfo, order_id: strawberry.ID, tracking_number: str
    ) -> Order:
        _require_scope(info, SHIP_SCOPE)
        if not 1 <= len(tracking_number) <= 64:
            raise BadUserInput("A tracking number has 1 to 64 characters.", field="trackingNumber")
        async with info.context.database.transaction() as session:
            moved = await info.context.service.ship(session, _order_id(order_id), tracking_number)
        return _moved(moved)

    @strawberry.federation.mutation(
        description="Refund a paid, unshipped order (merchants: scope orders:refund).",
        requires_scopes=[[REFUND_SCOPE]],
    )
    async def refund_order(self, info: CommerceInfo, order_id: strawberry.ID) -> Order:
        _require_scope(info, REFUND_SCOPE)
        return _moved(await info.context.commerce.checkout.refund_order(_order_id(order_id)))

    @strawberry.mutation(description="Confirm you received a shipped order of yours.")
    async def confirm_receipt(self, info: CommerceInfo, order_id: strawberry.ID) -> Order:
        user = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            moved = await info.context.service.confirm_receipt(session, user, _order_id(order_id))
        return _moved(moved)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Your order as soon as it exists (a flash-sale order once written), "
        "then again at every change of its status."
    )
    async def order_status_changed(
        self, info: CommerceInfo, order_id: strawberry.ID
    ) -> AsyncGenerator[Order, None]:
        user = info.context.require_viewer()
        key = _order_id(order_id)
        runtime = info.context.commerce
        with runtime.order_feed.watch(key) as changed:
            last = None
            while True:
                # Read after starting to watch, so no change between read and wait is missed;
                # the timeout re-reads in case a wake-up was lost.
                async with runtime.database.transaction() as session:
                    view = await runtime.service.owned_or_none(session, user, key)
                if view is not None and view.status is not last:
                    last = view.status
                    yield Order.of(view)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), RECHECK)
                changed.clear()


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[User, Product, FlashSale, Order],
        extensions=schema_extensions(),
        config=schema_config(),
        federation_version="2.11",
    )
