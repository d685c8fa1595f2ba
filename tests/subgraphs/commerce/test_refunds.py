"""Refunds the provider refuses: retried with backoff until accepted, or given up as
REFUND_FAILED (logged, announced in the outbox) and queued again by an operator."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from subgraphs.commerce import refunds_now
from subgraphs.commerce.models import EVENT_TABLES, Payment
from subgraphs.commerce.refunds import RefundPolicy, RefundWorker
from tests.subgraphs.commerce.conftest import Commerce, CommerceFactory, new_sale
from tests.subgraphs.commerce.test_payments import ORDER, closed_before_paid

QUICK = {"refund_retry_after": 0.05, "refund_attempts": 3}


async def _paid_after_close(commerce: Commerce) -> tuple[int, str, str]:
    """A payment that arrived after its order closed: (buyer, order id, provider payment id)."""
    sale = await new_sale(commerce.runtime, 1)
    buyer, order_id, payment = await closed_before_paid(commerce, sale.id)
    body, headers = commerce.provider.webhook(payment)
    assert (await commerce.deliver(body, headers)).json()["outcome"] == "REFUNDED"
    return buyer, order_id, payment


async def _payment(commerce: Commerce, provider_id: str) -> Payment:
    async with commerce.runtime.database.transaction() as session:
        row = await session.scalar(
            select(Payment).where(Payment.provider_payment_id == provider_id)
        )
    assert row is not None
    return row


async def _until_status(commerce: Commerce, provider_id: str, status: str) -> Payment:
    worker = RefundWorker(commerce.runtime.checkout.refunds, interval=0.02)
    await worker.start()
    try:
        for _ in range(250):
            row = await _payment(commerce, provider_id)
            if row.status == status:
                return row
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()
    raise AssertionError(f"payment {provider_id} never became {status}")


async def _payment_events(commerce: Commerce, payment_id: int) -> list[tuple[str, Any]]:
    outbox = EVENT_TABLES.outbox
    async with commerce.runtime.database.transaction() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.aggregate_type == "payment", outbox.c.aggregate_id == str(payment_id))
            .order_by(outbox.c.id)
        )
        return [(row.event_type, json.loads(row.payload)) for row in rows]


def test_each_wait_doubles_up_to_an_hour() -> None:
    policy = RefundPolicy(attempts=8, first_wait=60)
    assert [policy.wait(n) for n in (1, 2, 3, 7, 8)] == [
        timedelta(seconds=60),
        timedelta(seconds=120),
        timedelta(seconds=240),
        timedelta(hours=1),
        timedelta(hours=1),
    ]


async def test_a_refused_refund_is_retried_until_the_provider_accepts_it(
    make_commerce: CommerceFactory,
) -> None:
    commerce = await make_commerce(**QUICK)
    commerce.provider.refusals = 2
    buyer, order_id, provider_id = await _paid_after_close(commerce)
    first = await _payment(commerce, provider_id)
    # The attempt right after commit was refused: due again, queued for later.
    assert (first.status, first.refund_attempts) == ("REFUND_DUE", 1)
    assert first.refund_error is not None and "declined" in first.refund_error
    queued = await commerce.runtime.redis.zscore(
        commerce.runtime.checkout.refunds.queue.key, str(first.id)
    )
    # The database keeps whole seconds; the queue has the milliseconds.
    assert first.refund_due_at is not None and queued is not None
    assert int(queued // 1000) == int(first.refund_due_at.timestamp())

    refunded = await _until_status(commerce, provider_id, "REFUNDED")
    assert (refunded.refund_attempts, refunded.refund_error, refunded.refund_due_at) == (
        3,
        None,
        None,
    )
    # (The worker also sweeps due refunds other tests left in the shared database.)
    assert [p for p in commerce.provider.refused if p == provider_id] == [provider_id] * 2
    assert [r for r in commerce.provider.refunds if r[0] == provider_id] == [
        (provider_id, 990, "CNY")
    ]
    assert (await commerce.data(ORDER, buyer, id=order_id))["order"]["status"] == "CLOSED"
    events = await _payment_events(commerce, first.id)
    assert [event for event, _ in events] == ["PaymentRefunded"]


async def test_a_refund_refused_every_time_fails_visibly_and_an_operator_retries_it(
    make_commerce: CommerceFactory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    commerce = await make_commerce(**QUICK)
    commerce.provider.refusals = 1_000
    with caplog.at_level(logging.WARNING, logger="subgraphs.commerce.refunds"):
        _, order_id, provider_id = await _paid_after_close(commerce)
        failed = await _until_status(commerce, provider_id, "REFUND_FAILED")
    assert (failed.refund_attempts, failed.refund_due_at) == (3, None)
    assert [p for p in commerce.provider.refused if p == provider_id] == [provider_id] * 3
    assert [r for r in commerce.provider.refunds if r[0] == provider_id] == []
    about = [r for r in caplog.records if r.name == "subgraphs.commerce.refunds"]
    about = [r for r in about if provider_id in r.getMessage()]
    assert [r.levelno for r in about] == [logging.WARNING] * 2 + [logging.ERROR]
    assert "given up after 3 attempts" in about[-1].getMessage()
    events = await _payment_events(commerce, failed.id)
    assert [event for event, _ in events] == ["PaymentRefundFailed"]
    assert events[0][1]["orderId"] == int(order_id) and events[0][1]["attempts"] == 3
    refunds = commerce.runtime.checkout.refunds
    assert await commerce.runtime.redis.zscore(refunds.queue.key, str(failed.id)) is None
    assert failed.id not in await refunds.overdue(1_000)

    # The operator lists it, fixes the cause, and queues it again.
    settings = commerce.runtime.settings
    for name, value in settings.model_dump().items():
        if value is not None:
            monkeypatch.setenv(f"BEYOND_{name.upper()}", str(value))
    assert await refunds_now.main([]) == 0
    listed = capsys.readouterr().out
    assert f"payment {failed.id} (order {order_id}, {provider_id}): REFUND_FAILED" in listed
    commerce.provider.refusals = 0
    assert await refunds_now.main(["--retry", str(failed.id)]) == 0
    assert f"payment {failed.id}: queued again" in capsys.readouterr().out
    refunded = await _until_status(commerce, provider_id, "REFUNDED")
    assert refunded.refund_attempts == 1
    assert [r for r in commerce.provider.refunds if r[0] == provider_id] == [
        (provider_id, 990, "CNY")
    ]
