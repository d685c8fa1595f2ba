"""The order state machine, and reading orders.

::

    PENDING_PAYMENT ──pay──▶ PAID ──ship──▶ SHIPPED ──receive──▶ DELIVERED ──▶ COMPLETED
          │                   │
          └──close──▶ CLOSED  └──refund──▶ REFUNDED

Every target status has exactly one status it comes from, so a transition is
one conditional ``UPDATE orders SET status = :to … WHERE id = :id AND status =
:from``: of any number of concurrent transitions of one order, the database
lets exactly one match (the row lock serializes them, and the losers see the
new status). The winner records its event in the outbox in the same
transaction; a loser finds the order already in the target status (the
request was in effect already: nothing changes, no event) or in another one
(``CONFLICT``). Only the winner does the transition's side effects (returning
stock, extending a membership), which is what makes them happen once.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.errors import Conflict, NotFound
from shared.events import record_event
from shared.ids import UserId
from shared.pagination import Position
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.models import Order


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CLOSED = "CLOSED"
    REFUNDED = "REFUNDED"


class OrderKind(enum.StrEnum):
    FLASH_SALE = "FLASH_SALE"
    MEMBERSHIP = "MEMBERSHIP"


# The one status each status is reached from.
PREVIOUS: dict[OrderStatus, OrderStatus] = {
    OrderStatus.PAID: OrderStatus.PENDING_PAYMENT,
    OrderStatus.CLOSED: OrderStatus.PENDING_PAYMENT,
    OrderStatus.SHIPPED: OrderStatus.PAID,
    OrderStatus.REFUNDED: OrderStatus.PAID,
    OrderStatus.DELIVERED: OrderStatus.SHIPPED,
    OrderStatus.COMPLETED: OrderStatus.DELIVERED,
}

ORDER_CREATED = "OrderCreated"
EVENT_OF: dict[OrderStatus, str] = {
    OrderStatus.PENDING_PAYMENT: ORDER_CREATED,
    OrderStatus.PAID: "OrderPaid",
    OrderStatus.SHIPPED: "OrderShipped",
    OrderStatus.DELIVERED: "OrderDelivered",
    OrderStatus.COMPLETED: "OrderCompleted",
    OrderStatus.CLOSED: "OrderClosed",
    OrderStatus.REFUNDED: "OrderRefunded",
}


@dataclass(frozen=True, slots=True)
class OrderView:
    id: OrderId
    user_id: UserId
    kind: OrderKind
    status: OrderStatus
    request_id: str
    amount: int
    currency: str
    flash_sale_id: int | None
    plan_id: int | None
    tracking_number: str | None
    due_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def position(self) -> Position:
        return Position(self.created_at, self.id)

    @classmethod
    def from_row(cls, row: Order) -> OrderView:
        return cls(
            id=OrderId(row.id),
            user_id=UserId(row.user_id),
            kind=OrderKind(row.kind),
            status=OrderStatus(row.status),
            request_id=row.request_id,
            amount=row.amount,
            currency=row.currency,
            flash_sale_id=row.flash_sale_id,
            plan_id=row.plan_id,
            tracking_number=row.tracking_number,
            due_at=row.due_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@dataclass(frozen=True, slots=True)
class Transition:
    """The order after a transition was asked for; ``changed`` is false when it was
    already in the target status (a repeated request)."""

    order: OrderView
    changed: bool


async def record_order_event(session: AsyncSession, order: OrderView) -> None:
    await record_event(
        session,
        aggregate_type="order",
        aggregate_id=str(order.id),
        event_type=EVENT_OF[order.status],
        payload={
            "orderId": order.id,
            "userId": order.user_id,
            "kind": order.kind.value,
            "status": order.status.value,
            "at": order.updated_at.isoformat(),
        },
    )


async def transition(
    session: AsyncSession,
    order_id: OrderId,
    to: OrderStatus,
    *,
    due_at: datetime | None = None,
    **changes: Any,
) -> Transition:
    """Move the order to ``to`` if it is in the status before it; see the module docstring."""
    source = PREVIOUS[to]
    now = utcnow()
    result = cast(
        "CursorResult[Any]",
        await session.execute(
            update(Order)
            .where(Order.id == order_id, Order.status == source.value)
            .values(status=to.value, updated_at=now, due_at=due_at, **changes)
            .execution_options(synchronize_session=False)
        ),
    )
    # A locking read: it sees the latest committed status, where a plain read in a
    # REPEATABLE READ transaction could see the snapshot from before a concurrent winner.
    order = await get_order(session, order_id, lock=True)
    if order is None:
        raise NotFound(f"There is no order {order_id}.")
    if result.rowcount == 1:
        await record_order_event(session, order)
        return Transition(order, changed=True)
    if order.status is to:
        return Transition(order, changed=False)
    raise Conflict(
        f"Order {order_id} is {order.status.value}; only a {source.value} order can become "
        f"{to.value}."
    )


async def get_order(
    session: AsyncSession, order_id: OrderId, *, lock: bool = False
) -> OrderView | None:
    query = select(Order).where(Order.id == order_id)
    query = query.execution_options(populate_existing=True)
    row = await session.scalar(query.with_for_update() if lock else query)
    return OrderView.from_row(row) if row is not None else None


async def orders_by_id(session: AsyncSession, ids: Collection[OrderId]) -> dict[OrderId, OrderView]:
    rows = await session.scalars(select(Order).where(Order.id.in_(ids)))
    return {OrderId(row.id): OrderView.from_row(row) for row in rows}


async def orders_of_user(
    session: AsyncSession, user: UserId, size: int, after: Position | None
) -> tuple[list[OrderView], bool]:
    """A member's orders newest first on ``(created_at, id)``; whether more follow."""
    query = (
        select(Order)
        .where(Order.user_id == user)
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    if after is not None:
        query = query.where(
            or_(
                Order.created_at < after.created_at,
                and_(Order.created_at == after.created_at, Order.id < after.id),
            )
        )
    rows = list(await session.scalars(query.limit(size + 1)))
    return [OrderView.from_row(row) for row in rows[:size]], len(rows) > size


async def order_count(session: AsyncSession, user: UserId) -> int:
    count = await session.scalar(
        select(func.count()).select_from(Order).where(Order.user_id == user)
    )
    return int(count or 0)
