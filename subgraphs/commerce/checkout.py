"""Paying for an order: ``payOrder`` and the provider's webhook.

``pay`` asks the provider for a payment (our idempotency key goes along, so a
retried call is one payment there too) and records it, unique per (order,
key): the same key answers the same payment.

``receive`` handles a verified webhook in one transaction: the provider's
event id is recorded first (a redelivered event finds it and changes
nothing), the amount and currency must match the payment (otherwise the event
is refused and logged, and the order stays unpaid), then the order moves to
``PAID``. A payment for an order that can no longer be paid (it closed on its
deadline, or another payment paid it) is refunded: the order stays as it is,
since a closed order's unit has gone back on sale and may be sold again. The
refund is asked of the provider after commit and retried until it accepts or
an operator has to step in (:mod:`subgraphs.commerce.refunds`): the payment
row says ``REFUND_DUE`` until then, and ``REFUNDED`` or ``REFUND_FAILED``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, utcnow
from shared.errors import Conflict
from shared.ids import UserId
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.models import Payment, PaymentEvent
from subgraphs.commerce.orders import OrderStatus, Transition
from subgraphs.commerce.payments import PAYMENT_SUCCEEDED, PaymentProvider, WebhookEvent
from subgraphs.commerce.refunds import Refunds
from subgraphs.commerce.seckill import check_request_id
from subgraphs.commerce.service import CommerceService

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    PAID = "PAID"
    DUPLICATE = "DUPLICATE"
    REFUNDED = "REFUNDED"
    IGNORED = "IGNORED"
    MISMATCH = "MISMATCH"


@dataclass(frozen=True, slots=True)
class PaymentView:
    id: int
    order_id: OrderId
    amount: int
    currency: str
    status: str
    provider_payment_id: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: Payment) -> PaymentView:
        return cls(
            row.id,
            OrderId(row.order_id),
            row.amount,
            row.currency,
            row.status,
            row.provider_payment_id,
            row.created_at,
        )

    @property
    def checkout_url(self) -> str:
        return f"https://pay.invalid/checkout/{self.provider_payment_id}"


class Checkout:
    def __init__(
        self,
        database: Database,
        service: CommerceService,
        provider: PaymentProvider,
        refunds: Refunds,
    ) -> None:
        self._database = database
        self._service = service
        self.provider = provider
        self.refunds = refunds

    async def pay(self, user: UserId, order_id: OrderId, key: str) -> PaymentView:
        check_request_id(key, field="idempotencyKey")
        async with self._database.transaction() as session:
            order = await self._service.owned(session, user, order_id)
            found = await self._payment(order_id, key)
            if found is not None:
                return found
            if order.status is not OrderStatus.PENDING_PAYMENT:
                raise Conflict(f"Order {order_id} is {order.status.value}: it takes no payment.")
        created = await self.provider.create_payment(
            reference=str(order_id),
            amount=order.amount,
            currency=order.currency,
            idempotency_key=key,
        )
        try:
            async with self._database.transaction() as session:
                row = Payment(
                    order_id=order_id,
                    idempotency_key=key,
                    provider_payment_id=created.id,
                    amount=order.amount,
                    currency=order.currency,
                    status="CREATED",
                    created_at=utcnow(),
                )
                session.add(row)
                await session.flush()
                return PaymentView.from_row(row)
        except IntegrityError:
            found = await self._payment(order_id, key)
            assert found is not None
            return found

    async def _payment(self, order_id: OrderId, key: str) -> PaymentView | None:
        async with self._database.transaction() as session:
            row = await session.scalar(
                select(Payment).where(Payment.order_id == order_id, Payment.idempotency_key == key)
            )
            return PaymentView.from_row(row) if row is not None else None

    async def receive(self, event: WebhookEvent) -> Outcome:
        try:
            async with self._database.transaction() as session:
                session.add(
                    PaymentEvent(
                        event_id=event.id,
                        provider_payment_id=event.payment_id,
                        outcome="RECEIVED",
                        received_at=utcnow(),
                    )
                )
                await session.flush()
                outcome = await self._apply(session, event)
                await session.execute(
                    update(PaymentEvent)
                    .where(PaymentEvent.event_id == event.id)
                    .values(outcome=outcome.value)
                )
                if outcome is Outcome.MISMATCH:
                    # Recorded as seen so a redelivery does not repeat the alarm; nothing paid.
                    log.error(
                        "payment %s: webhook %s says %s %s, which is not what was asked",
                        event.payment_id,
                        event.id,
                        event.amount,
                        event.currency,
                    )
                return outcome
        except IntegrityError:
            return Outcome.DUPLICATE

    async def _apply(self, session: AsyncSession, event: WebhookEvent) -> Outcome:
        if event.type != PAYMENT_SUCCEEDED:
            return Outcome.IGNORED
        payment = await session.scalar(
            select(Payment).where(Payment.provider_payment_id == event.payment_id).with_for_update()
        )
        if payment is None:
            log.error("webhook %s names unknown payment %s", event.id, event.payment_id)
            return Outcome.IGNORED
        if (event.amount, event.currency) != (payment.amount, payment.currency):
            return Outcome.MISMATCH
        if payment.status != "CREATED":
            return Outcome.DUPLICATE
        order_id = OrderId(payment.order_id)
        try:
            paid = (await self._service.mark_paid(session, order_id)).changed
        except Conflict:
            paid = False
        if paid:
            payment.status = "SUCCEEDED"
            return Outcome.PAID
        self.refunds.ask(session, payment)
        log.warning(
            "payment %s arrived for order %s, which can no longer be paid: refunding",
            payment.provider_payment_id,
            order_id,
        )
        return Outcome.REFUNDED

    async def refund_order(self, order_id: OrderId) -> Transition:
        """Refund a paid order: ``REFUNDED``, and its payment given back by the provider."""
        async with self._database.transaction() as session:
            moved = await self._service.refund(session, order_id)
            if moved.changed:
                payment = await session.scalar(
                    select(Payment)
                    .where(Payment.order_id == order_id, Payment.status == "SUCCEEDED")
                    .with_for_update()
                )
                if payment is not None:
                    self.refunds.ask(session, payment)
            return moved
