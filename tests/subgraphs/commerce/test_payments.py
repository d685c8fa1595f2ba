"""Paying: idempotent payments, the signed webhook (three deliveries, bad signatures, wrong
amounts), a payment after the order closed, and membership extended by a paid order."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from shared.db import utcnow
from subgraphs.commerce.catalogue import FlashSaleId
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.models import EVENT_TABLES, FlashSale, Payment
from subgraphs.commerce.payments import sign
from tests.subgraphs.commerce.conftest import Commerce, new_sale, new_user
from tests.subgraphs.commerce.test_flash_sale import SECKILL, drain, sale_state

PLANS = "{ membershipPlans { id tier days price currency } }"
BUY = """mutation($plan: ID!, $r: String!) {
  buyMembership(planId: $plan, requestId: $r) { id status amount kind } }"""
PAY = """mutation($order: ID!, $key: String!) {
  payOrder(orderId: $order, idempotencyKey: $key) { id status amount currency checkoutUrl
    order { id status } } }"""
ORDER = "query($id: ID!) { order(id: $id) { status } }"
MEMBERSHIP = """query($u: [_Any!]!) { _entities(representations: $u) {
  ... on User { membership { tier expiresAt } } } }"""


async def _plan(commerce: Commerce, days: int = 30) -> str:
    plans = (await commerce.data(PLANS))["membershipPlans"]
    return next(p["id"] for p in plans if p["days"] == days)


async def _unpaid_membership(commerce: Commerce, buyer: int) -> str:
    order = await commerce.data(BUY, buyer, plan=await _plan(commerce), r=str(new_user()))
    return str(order["buyMembership"]["id"])


async def _provider_id(commerce: Commerce, order_id: str) -> str:
    async with commerce.runtime.database.transaction() as session:
        found = await session.scalar(
            select(Payment.provider_payment_id).where(Payment.order_id == int(order_id))
        )
    assert found is not None
    return found


async def _order_events(commerce: Commerce, order_id: str) -> list[str]:
    outbox = EVENT_TABLES.outbox
    async with commerce.runtime.database.transaction() as session:
        rows = await session.scalars(
            select(outbox.c.event_type)
            .where(outbox.c.aggregate_type == "order", outbox.c.aggregate_id == order_id)
            .order_by(outbox.c.id)
        )
        return list(rows)


async def closed_before_paid(commerce: Commerce, sale_id: FlashSaleId) -> tuple[int, str, str]:
    """A new member's flash-sale order, with a payment started, closed before the payment
    arrived: (buyer, order id, provider payment id)."""
    buyer = new_user()
    ticket = (await commerce.data(SECKILL, buyer, sale=str(sale_id), request="r"))["seckill"]
    await drain(commerce, sale_id)
    order_id = ticket["orderId"]
    await commerce.data(PAY, buyer, order=order_id, key="k")
    async with commerce.runtime.database.transaction() as session:
        await commerce.runtime.service.close(session, OrderId(int(order_id)))
    return buyer, order_id, await _provider_id(commerce, order_id)


async def test_a_payment_is_idempotent_and_a_webhook_delivered_three_times_pays_once(
    commerce: Commerce,
) -> None:
    buyer = new_user()
    order_id = await _unpaid_membership(commerce, buyer)
    first = (await commerce.data(PAY, buyer, order=order_id, key="k1"))["payOrder"]
    again = (await commerce.data(PAY, buyer, order=order_id, key="k1"))["payOrder"]
    assert first == again and first["status"] == "CREATED" and first["amount"] == 1500
    assert (await commerce.execute(PAY, new_user(), order=order_id, key="k1"))["errors"][0][
        "extensions"
    ]["code"] == "NOT_FOUND"
    body, headers = commerce.provider.webhook(await _provider_id(commerce, order_id))
    answers = [await commerce.deliver(body, headers) for _ in range(3)]
    assert [(a.status_code, a.json()["outcome"]) for a in answers] == [
        (200, "PAID"),
        (200, "DUPLICATE"),
        (200, "DUPLICATE"),
    ]
    assert (await commerce.data(ORDER, buyer, id=order_id))["order"]["status"] == "PAID"
    assert await _order_events(commerce, order_id) == ["OrderCreated", "OrderPaid"]
    membership = await commerce.data(MEMBERSHIP, u=[{"__typename": "User", "id": str(buyer)}])
    assert membership["_entities"][0]["membership"]["tier"] == "PLUS"


async def test_a_bad_signature_or_a_wrong_amount_pays_nothing_and_is_logged(
    commerce: Commerce, caplog: pytest.LogCaptureFixture
) -> None:
    buyer = new_user()
    order_id = await _unpaid_membership(commerce, buyer)
    await commerce.data(PAY, buyer, order=order_id, key="k")
    payment = await _provider_id(commerce, order_id)
    body, headers = commerce.provider.webhook(payment)
    with caplog.at_level(logging.WARNING):
        forged = await commerce.deliver(body, {**headers, "beyond-signature": sign("wrong", body)})
        unsigned = await commerce.deliver(body, {"content-type": "application/json"})
        stale = await commerce.deliver(
            body, {"beyond-signature": sign("test-payment-webhook-secret", body, at=1)}
        )
    assert [forged.status_code, unsigned.status_code, stale.status_code] == [401, 401, 401]
    assert (
        sum(
            "payment webhook" in r.getMessage() and "refused" in r.getMessage()
            for r in caplog.records
        )
        == 3
    )
    cheap_body, cheap_headers = commerce.provider.webhook(payment, amount=1)
    with caplog.at_level(logging.ERROR):
        cheap = await commerce.deliver(cheap_body, cheap_headers)
    assert cheap.status_code == 422
    assert any("not what was asked" in r.getMessage() for r in caplog.records)
    assert (await commerce.data(ORDER, buyer, id=order_id))["order"]["status"] == "PENDING_PAYMENT"
    # The genuine webhook still pays it.
    assert (await commerce.deliver(body, headers)).json()["outcome"] == "PAID"


async def test_a_payment_after_the_order_closed_is_refunded_and_the_order_stays_closed(
    commerce: Commerce,
) -> None:
    sale = await new_sale(commerce.runtime, 2)
    buyer, order_id, payment = await closed_before_paid(commerce, sale.id)
    assert (await sale_state(commerce, sale.id))[0::2] == (2, 2)  # the unit is back, both sides
    body, headers = commerce.provider.webhook(payment)
    assert (await commerce.deliver(body, headers)).json()["outcome"] == "REFUNDED"
    assert (await commerce.deliver(body, headers)).json()["outcome"] == "DUPLICATE"
    assert commerce.provider.refunds == [(payment, 990, "CNY")]
    assert (await commerce.data(ORDER, buyer, id=order_id))["order"]["status"] == "CLOSED"
    async with commerce.runtime.database.transaction() as session:
        status = await session.scalar(
            select(Payment.status).where(Payment.provider_payment_id == payment)
        )
        stock = await session.scalar(select(FlashSale.stock).where(FlashSale.id == sale.id))
    assert (status, stock) == ("REFUNDED", 2)


async def test_paid_membership_orders_stack(commerce: Commerce) -> None:
    buyer = new_user()
    expiries = []
    for key in ("a", "b"):
        order_id = await _unpaid_membership(commerce, buyer)
        await commerce.data(PAY, buyer, order=order_id, key=key)
        body, headers = commerce.provider.webhook(await _provider_id(commerce, order_id))
        await commerce.deliver(body, headers)
        async with commerce.runtime.database.transaction() as session:
            membership = await commerce.runtime.service.membership(session, buyer)
        assert membership is not None
        expiries.append(membership.expires_at)
    assert expiries[0] > utcnow() + timedelta(days=29)
    assert expiries[1] - expiries[0] == timedelta(days=30)


ORDERS = """query($u: [_Any!]!) { _entities(representations: $u) {
  ... on User { orders(first: 1) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { id } } } } } }"""


async def test_a_member_pages_through_their_own_orders_and_nobody_else_sees_them(
    commerce: Commerce,
) -> None:
    buyer = new_user()
    placed = [await _unpaid_membership(commerce, buyer) for _ in range(2)]
    me = [{"__typename": "User", "id": str(buyer)}]
    first = (await commerce.data(ORDERS, buyer, u=me))["_entities"][0]["orders"]
    assert first["totalCount"] == 2 and first["pageInfo"]["hasNextPage"] is True
    assert first["edges"][0]["node"]["id"] == placed[1]
    stranger = await commerce.execute(ORDERS, new_user(), u=me)
    assert stranger["errors"][0]["extensions"]["code"] == "FORBIDDEN"


REFUND = "mutation($id: ID!) { refundOrder(orderId: $id) { status } }"


async def test_a_merchant_refunds_a_paid_order_once(commerce: Commerce) -> None:
    buyer = new_user()
    order_id = await _unpaid_membership(commerce, buyer)
    early = await commerce.execute(REFUND, 1, scopes=("orders:refund",), id=order_id)
    assert early["errors"][0]["extensions"]["code"] == "CONFLICT"
    await commerce.data(PAY, buyer, order=order_id, key="k")
    payment = await _provider_id(commerce, order_id)
    await commerce.deliver(*commerce.provider.webhook(payment))
    no_scope = await commerce.execute(REFUND, buyer, id=order_id)
    assert no_scope["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    for _ in range(2):
        refunded = await commerce.execute(REFUND, 1, scopes=("orders:refund",), id=order_id)
        assert refunded["data"]["refundOrder"] == {"status": "REFUNDED"}
    assert commerce.provider.refunds == [(payment, 1500, "CNY")]
    assert await _order_events(commerce, order_id) == ["OrderCreated", "OrderPaid", "OrderRefunded"]
