"""Refunds: asked of the provider after commit, retried with backoff, then given to an operator.

A payment that must go back (it arrived after its order closed, it is a
second payment of a paid order, or a merchant refunded the order) becomes
``REFUND_DUE``, due now, in the transaction that decided it
(:meth:`Refunds.ask`), and the provider is asked right after commit.

Every failure of that call (:class:`~subgraphs.commerce.payments.ProviderRefused`,
a timeout, anything else) counts as an attempt: the next one is due
``first_wait`` seconds later, doubling each time up to an hour, in the delayed
queue ``…commerce:refunds`` (:mod:`subgraphs.commerce.due`), and the worker
also sweeps ``payments`` by ``(status, refund_due_at)`` once a minute for
retries the queue lost. After ``attempts`` failures the payment becomes
``REFUND_FAILED``: logged as an error naming payment, order, amount and the
provider's last answer, and announced as ``PaymentRefundFailed`` in the
outbox. The money then needs an operator (``python -m
subgraphs.commerce.refunds_now`` lists such payments and, once the cause is
fixed, ``--retry`` queues one again).

An attempt first claims the payment: a conditional ``UPDATE`` moves
``refund_due_at`` ``LEASE`` seconds ahead only if it is due, so two
processes never ask for one refund at once, and the provider call is bounded
well inside the lease. A process that dies mid-attempt leaves the payment
due again when the lease runs out; the provider is asked again with the same
payment id, which an adapter for a real provider answers as done when that
payment is already refunded.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from redis.exceptions import RedisError
from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, after_commit, utcnow
from shared.events import record_event
from shared.events.polling import PollingWorker
from subgraphs.commerce.due import DueQueue
from subgraphs.commerce.models import Payment
from subgraphs.commerce.payments import PaymentProvider

log = logging.getLogger(__name__)

REFUND_DUE = "REFUND_DUE"
REFUNDED = "REFUNDED"
REFUND_FAILED = "REFUND_FAILED"
PAYMENT_REFUNDED = "PaymentRefunded"
PAYMENT_REFUND_FAILED = "PaymentRefundFailed"

LEASE = 60.0
"""Seconds a claimed refund belongs to the process that claimed it."""
CALL_TIMEOUT = 20.0
"""Seconds the provider may take to answer a refund."""
LONGEST_WAIT = 3600.0
SWEEP_EVERY = 60.0


@dataclass(frozen=True, slots=True)
class RefundPolicy:
    attempts: int
    first_wait: float

    def wait(self, failed: int) -> timedelta:
        """How long after the ``failed``-th failure the next attempt waits."""
        return timedelta(seconds=min(LONGEST_WAIT, self.first_wait * 2 ** (failed - 1)))


@dataclass(frozen=True, slots=True)
class _Claim:
    id: int
    order_id: int
    provider_payment_id: str
    amount: int
    currency: str
    attempts: int


class Refunds:
    def __init__(
        self,
        database: Database,
        provider: PaymentProvider,
        queue: DueQueue,
        policy: RefundPolicy,
    ) -> None:
        self._database = database
        self._provider = provider
        self.queue = queue
        self.policy = policy

    def ask(self, session: AsyncSession, payment: Payment) -> None:
        """Make ``payment`` due for a refund in ``session``; ask the provider once it committed."""
        payment.status = REFUND_DUE
        payment.refund_due_at = utcnow()
        payment_id = payment.id

        async def refund_now() -> None:
            await self.attempt(payment_id)

        after_commit(session, refund_now)

    async def attempt(self, payment_id: int) -> str | None:
        """Ask the provider for a due refund; the payment's status after, ``None`` if it was not
        due (done already, or being attempted elsewhere)."""
        claim = await self._claim(payment_id)
        if claim is None:
            return None
        try:
            async with asyncio.timeout(CALL_TIMEOUT):
                await self._provider.refund(
                    claim.provider_payment_id, amount=claim.amount, currency=claim.currency
                )
        except Exception as exc:  # every failure counts: a refund ends refunded or with a person
            return await self._failed(claim, f"{type(exc).__name__}: {exc}"[:200])
        await self._settle(
            claim,
            PAYMENT_REFUNDED,
            status=REFUNDED,
            refund_attempts=claim.attempts + 1,
            refund_due_at=None,
            refund_error=None,
        )
        return REFUNDED

    async def retry(self, payment_id: int) -> bool:
        """Queue a ``REFUND_FAILED`` payment again, with a fresh count of attempts."""
        async with self._database.transaction() as session:
            result = cast(
                "CursorResult[Any]",
                await session.execute(
                    update(Payment)
                    .where(Payment.id == payment_id, Payment.status == REFUND_FAILED)
                    .values(status=REFUND_DUE, refund_due_at=utcnow(), refund_attempts=0)
                ),
            )
        if result.rowcount != 1:
            return False
        await self.queue.schedule(payment_id, utcnow())
        return True

    async def overdue(self, limit: int) -> list[int]:
        async with self._database.transaction() as session:
            rows = await session.scalars(
                select(Payment.id)
                .where(Payment.status == REFUND_DUE, Payment.refund_due_at <= utcnow())
                .limit(limit)
            )
            return list(rows)

    async def _claim(self, payment_id: int) -> _Claim | None:
        async with self._database.transaction() as session:
            now = utcnow()
            result = cast(
                "CursorResult[Any]",
                await session.execute(
                    update(Payment)
                    .where(
                        Payment.id == payment_id,
                        Payment.status == REFUND_DUE,
                        Payment.refund_due_at <= now,
                    )
                    .values(refund_due_at=now + timedelta(seconds=LEASE))
                ),
            )
            if result.rowcount != 1:
                return None
            row = await session.scalar(
                select(Payment)
                .where(Payment.id == payment_id)
                .execution_options(populate_existing=True)
            )
            assert row is not None
            return _Claim(
                row.id,
                row.order_id,
                row.provider_payment_id,
                row.amount,
                row.currency,
                row.refund_attempts,
            )

    async def _failed(self, claim: _Claim, error: str) -> str:
        failed = claim.attempts + 1
        if failed >= self.policy.attempts:
            await self._settle(
                claim,
                PAYMENT_REFUND_FAILED,
                status=REFUND_FAILED,
                refund_attempts=failed,
                refund_due_at=None,
                refund_error=error,
            )
            log.error(
                "refund of payment %s (order %s, %s %s) given up after %s attempts: %s; "
                "refund it by hand, or fix the cause and retry it "
                "(python -m subgraphs.commerce.refunds_now --retry %s)",
                claim.provider_payment_id,
                claim.order_id,
                claim.amount,
                claim.currency,
                failed,
                error,
                claim.id,
            )
            return REFUND_FAILED
        due = utcnow() + self.policy.wait(failed)
        await self._settle(
            claim, None, refund_attempts=failed, refund_due_at=due, refund_error=error
        )
        log.warning(
            "refund of payment %s (order %s) failed, attempt %s of %s; retrying at %s: %s",
            claim.provider_payment_id,
            claim.order_id,
            failed,
            self.policy.attempts,
            due.isoformat(),
            error,
        )
        try:
            await self.queue.schedule(claim.id, due)
        except RedisError as exc:
            log.warning("refund of payment %s not queued (the sweep finds it): %s", claim.id, exc)
        return REFUND_DUE

    async def _settle(self, claim: _Claim, event: str | None, **values: Any) -> None:
        """Record the attempt's outcome (and ``event`` in the outbox) on the still-due payment."""
        async with self._database.transaction() as session:
            await session.execute(
                update(Payment)
                .where(Payment.id == claim.id, Payment.status == REFUND_DUE)
                .values(**values)
            )
            if event is not None:
                await record_event(
                    session,
                    aggregate_type="payment",
                    aggregate_id=str(claim.id),
                    event_type=event,
                    payload={
                        "paymentId": claim.id,
                        "orderId": claim.order_id,
                        "amount": claim.amount,
                        "currency": claim.currency,
                        "attempts": values["refund_attempts"],
                        "error": values.get("refund_error"),
                    },
                )


class RefundWorker(PollingWorker):
    """Attempts the refunds that came due: from the queue, and once a minute from the table."""

    def __init__(self, refunds: Refunds, *, interval: float = 0.5, batch_size: int = 50) -> None:
        super().__init__(name="commerce refunds", idle_interval=interval, max_backoff=5.0)
        self._refunds = refunds
        self._batch = batch_size
        self._next_sweep = 0.0

    async def step(self) -> bool:
        due = await self._refunds.queue.claim(lease=LEASE, limit=self._batch)
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + SWEEP_EVERY
            due += await self._refunds.overdue(self._batch)
        for payment_id in dict.fromkeys(due):
            # Off the queue first: a failed attempt queues its retry, which must stay.
            await self._refunds.queue.done(payment_id)
            await self._refunds.attempt(payment_id)
        return len(due) >= self._batch
