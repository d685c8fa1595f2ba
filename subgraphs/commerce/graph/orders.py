"""A member's orders, seen by that member: ``Order``, ``order(id)``, and ``User``.

``User`` is here because ``Order.buyer`` is a ``User`` and ``User.orders`` lists
orders; it also carries the member's ``membership``.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from shared.errors import Forbidden
from shared.graphql.arguments import After, First, IdArgument
from shared.graphql.connections import PageInfo
from shared.graphql.ids import parse_typed
from shared.graphql.users import UserKey
from shared.pagination import DEFAULT_FIRST, check_first, decode_cursor, encode_cursor
from subgraphs.commerce import catalogue
from subgraphs.commerce.catalogue import FlashSaleId, PlanId
from subgraphs.commerce.context import CommerceInfo
from subgraphs.commerce.graph.flash_sale import FlashSale
from subgraphs.commerce.graph.membership import Membership, MembershipPlan
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.orders import (
    OrderKind,
    OrderStatus,
    OrderView,
    order_count,
    orders_of_user,
)

# The service's enums are the graph's, names and values alike.
strawberry.enum(OrderStatus, description="Where an order is in its life.")
strawberry.enum(OrderKind, description="What an order buys.")


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
            kind=view.kind,
            status=view.status,
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


@strawberry.type
class OrderQuery:
    @strawberry.field(description="One of your orders; null if it is not yours or not written yet.")
    async def order(self, info: CommerceInfo, id: IdArgument) -> Order | None:
        info.context.require_viewer()
        return await Order.resolve_reference(info, id)
