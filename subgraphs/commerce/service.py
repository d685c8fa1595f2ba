"""The business rules of commerce. Every method takes the caller's session and never commits.

Orders move only through :func:`subgraphs.commerce.orders.transition`, and
only the transition's winner does its side effects, in the same transaction
(stock back to the sale row, a membership extended) or right after commit
(stock back to Redis, the deadline queued, ``orderStatusChanged`` published).
What happens after commit may be lost to a crash; each has a repair: the
deadline sweep re-reads ``orders.due_at``, the reconciliation job re-derives
Redis stock from the sale row, and a subscriber re-reads the order on
(re)subscribing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from redis.asyncio import Redis
from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import after_commit, utcnow
from shared.errors import Conflict, Forbidden, NotFound
from shared.events import record_event
from shared.ids import UserId
from subgraphs.commerce.catalogue import FlashSaleId, PlanId, PlanView, membership_plan
from subgraphs.commerce.due import DueQueue
from subgraphs.commerce.ids import OrderId, OrderIds
from subgraphs.commerce.models import FlashSale, Membership, Order
from subgraphs.commerce.orders import (
    OrderKind,
    OrderStatus,
    OrderView,
    Transition,
    get_order,
    record_order_event,
    transition,
)
from subgraphs.commerce.sale_store import SaleStore

log = logging.getLogger(__name__)

MEMBERSHIP_EXTENDED = "MembershipExtended"


@dataclass(frozen=True, slots=True)
class MembershipView:
    tier: str
    expires_at: datetime


def order_channel(prefix: str, order_id: int) -> str:
    return f"{prefix}commerce:order:{order_id}"


@dataclass(frozen=True, slots=True)
class Deadlines:
    payment: timedelta
    auto_complete: timedelta


class CommerceService:
    def __init__(
        self,
        *,
        redis: Redis,
        prefix: str,
        store: SaleStore,
        due: DueQueue,
        order_ids: OrderIds,
        deadlines: Deadlines,
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.store = store
        self.due = due
        self.order_ids = order_ids
        self.deadlines = deadlines

    # Creating orders

    async def create_sale_order(
        self,
        session: AsyncSession,
        *,
        sale_id: FlashSaleId,
        user: UserId,
        request_id: str,
        order_id: OrderId,
    ) -> OrderView | None:
        """The order for an accepted flash-sale request; ``None`` if the member has one already
        or the sale row has no unit left (the last guard against overselling)."""
        existing = await session.scalar(
            select(Order.id).where(Order.flash_sale_id == sale_id, Order.user_id == user)
        )
        if existing is not None:
            return None
        taken = cast(
            "CursorResult[Any]",
            await session.execute(
                update(FlashSale)
                .where(FlashSale.id == sale_id, FlashSale.stock > 0)
                .values(stock=FlashSale.stock - 1)
            ),
        )
        sale = await session.get(FlashSale, sale_id)
        if taken.rowcount != 1 or sale is None:
            log.error("flash sale %s: request for order %s found no unit left", sale_id, order_id)
            return None
        return await self._create(
            session,
            order_id=order_id,
            user=user,
            kind=OrderKind.FLASH_SALE,
            request_id=request_id,
            amount=sale.price,
            currency=sale.currency,
            flash_sale_id=sale_id,
            sku_id=sale.sku_id,
        )

    async def buy_membership(
        self, session: AsyncSession, user: UserId, plan_id: PlanId, request_id: str
    ) -> OrderView:
        """An unpaid order for the plan; the same request id answers the same order."""
        existing = await session.scalar(
            select(Order.id).where(Order.user_id == user, Order.request_id == request_id)
        )
        if existing is not None:
            order = await get_order(session, OrderId(existing))
            assert order is not None
            if order.plan_id != plan_id:
                raise Conflict(
                    "This request id was used for another order: use a new one.",
                    field="requestId",
                )
            return order
        plan = await membership_plan(session, plan_id)
        if plan is None:
            raise NotFound(f"There is no membership plan {plan_id}.")
        return await self._create(
            session,
            order_id=self.order_ids.next(),
            user=user,
            kind=OrderKind.MEMBERSHIP,
            request_id=request_id,
            amount=plan.price,
            currency=plan.currency,
            plan_id=plan_id,
        )

    async def _create(
        self, session: AsyncSession, *, order_id: OrderId, user: UserId, **values: Any
    ) -> OrderView:
        now = utcnow()
        row = Order(
            id=order_id,
            user_id=user,
            status=OrderStatus.PENDING_PAYMENT.value,
            due_at=now + self.deadlines.payment,
            created_at=now,
            updated_at=now,
            **values,
        )
        session.add(row)
        await session.flush()
        order = OrderView.from_row(row)
        await record_order_event(session, order)
        self._announce(session, order)
        return order

    # Moving orders

    async def close(self, session: AsyncSession, order_id: OrderId) -> Transition:
        """Close an unpaid order; only the call that really closed it gives its unit back."""
        moved = await transition(session, order_id, OrderStatus.CLOSED)
        sale_id = moved.order.flash_sale_id
        if moved.changed and sale_id is not None:
            await session.execute(
                update(FlashSale).where(FlashSale.id == sale_id).values(stock=FlashSale.stock + 1)
            )
            order_id = moved.order.id
            after_commit(session, lambda: self.store.return_unit(FlashSaleId(sale_id), order_id))
        self._announce_if(session, moved)
        return moved

    async def cancel(self, session: AsyncSession, user: UserId, order_id: OrderId) -> Transition:
        await self.owned(session, user, order_id)
        return await self.close(session, order_id)

    async def mark_paid(self, session: AsyncSession, order_id: OrderId) -> Transition:
        moved = await transition(session, order_id, OrderStatus.PAID)
        order = moved.order
        if moved.changed and order.plan_id is not None:
            plan = await membership_plan(session, PlanId(order.plan_id))
            assert plan is not None
            await self.extend_membership(session, order.user_id, plan)
        self._announce_if(session, moved)
        return moved

    async def ship(self, session: AsyncSession, order_id: OrderId, tracking: str) -> Transition:
        due = utcnow() + self.deadlines.auto_complete
        moved = await transition(
            session, order_id, OrderStatus.SHIPPED, due_at=due, tracking_number=tracking
        )
        self._announce_if(session, moved)
        return moved

    async def confirm_receipt(
        self, session: AsyncSession, user: UserId, order_id: OrderId
    ) -> Transition:
        await self.owned(session, user, order_id)
        return await self.complete(session, order_id)

    async def complete(self, session: AsyncSession, order_id: OrderId) -> Transition:
        """Delivered and completed: the buyer's confirmation, or its deadline passing."""
        order = await get_order(session, order_id)
        if order is not None and order.status is OrderStatus.SHIPPED:
            await transition(session, order_id, OrderStatus.DELIVERED)
        moved = await transition(session, order_id, OrderStatus.COMPLETED)
        self._announce_if(session, moved)
        return moved

    async def refund(self, session: AsyncSession, order_id: OrderId) -> Transition:
        moved = await transition(session, order_id, OrderStatus.REFUNDED)
        self._announce_if(session, moved)
        return moved

    async def owned(self, session: AsyncSession, user: UserId, order_id: OrderId) -> OrderView:
        order = await self.owned_or_none(session, user, order_id)
        if order is None:
            raise NotFound(f"You have no order {order_id}.")
        return order

    async def owned_or_none(
        self, session: AsyncSession, user: UserId, order_id: OrderId
    ) -> OrderView | None:
        order = await get_order(session, order_id)
        return order if order is not None and order.user_id == user else None

    async def followed(
        self, session: AsyncSession, user: UserId, order_id: OrderId
    ) -> OrderView | None:
        """The member's order for ``orderStatusChanged``: ``None`` while it is not written yet
        (a flash-sale order is followed from its ticket), ``FORBIDDEN`` if it is another's."""
        order = await get_order(session, order_id)
        if order is not None and order.user_id != user:
            raise Forbidden(f"Order {order_id} is not yours: follow your own orders only.")
        return order

    def _announce_if(self, session: AsyncSession, moved: Transition) -> None:
        if moved.changed:
            self._announce(session, moved.order)

    def _announce(self, session: AsyncSession, order: OrderView) -> None:
        async def announce() -> None:
            if order.due_at is not None:
                await self.due.schedule(order.id, order.due_at)
            message = json.dumps({"orderId": order.id, "status": order.status.value})
            await self.redis.publish(order_channel(self.prefix, order.id), message)

        after_commit(session, announce)

    # Membership

    async def extend_membership(self, session: AsyncSession, user: UserId, plan: PlanView) -> None:
        """Add the plan's days after the current expiry, or after now if it has passed."""
        now = utcnow().replace(microsecond=0)
        row = await session.scalar(
            select(Membership).where(Membership.user_id == user).with_for_update()
        )
        if row is None:
            row = Membership(user_id=user, tier=plan.tier, expires_at=now, updated_at=now)
            session.add(row)
        row.expires_at = max(row.expires_at, now) + timedelta(days=plan.days)
        row.tier = plan.tier
        row.updated_at = now
        await session.flush()
        await record_event(
            session,
            aggregate_type="membership",
            aggregate_id=str(user),
            event_type=MEMBERSHIP_EXTENDED,
            payload={"userId": user, "tier": plan.tier, "expiresAt": row.expires_at.isoformat()},
        )

    async def membership(self, session: AsyncSession, user: UserId) -> MembershipView | None:
        """The member's unexpired membership, if any."""
        row = await session.scalar(select(Membership).where(Membership.user_id == user))
        if row is None or row.expires_at <= utcnow():
            return None
        return MembershipView(row.tier, row.expires_at)
