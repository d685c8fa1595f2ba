"""An event is written in the caller's transaction: it commits or rolls back with the domain rows."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from shared.db import Database
from shared.events import record_event
from tests.shared.events.models import EVENT_TABLES, Order

OUTBOX = EVENT_TABLES.outbox


async def test_the_event_commits_with_the_domain_row(shop: Database) -> None:
    async with shop.transaction() as session:
        order = Order(item="book")
        session.add(order)
        await session.flush()
        event_id = await record_event(
            session,
            aggregate_type="order",
            aggregate_id=order.id,
            event_type="shop.order-placed",
            payload={"orderId": order.id, "item": "书"},
        )
    uuid.UUID(event_id)
    async with shop.transaction() as session:
        row = (await session.execute(select(OUTBOX))).one()
    assert (row.event_id, row.aggregate_type, row.aggregate_id, row.event_type) == (
        event_id,
        "order",
        str(order.id),
        "shop.order-placed",
    )
    assert row.payload == f'{{"orderId":{order.id},"item":"书"}}'
    assert row.sent_at is None and row.occurred_at.tzinfo is not None


async def test_a_rollback_takes_the_event_with_it(shop: Database) -> None:
    with pytest.raises(RuntimeError):
        async with shop.transaction() as session:
            session.add(Order(item="lamp"))
            await record_event(
                session,
                aggregate_type="order",
                aggregate_id=1,
                event_type="shop.order-placed",
                payload={},
            )
            raise RuntimeError("payment refused")
    async with shop.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 0
        assert await session.scalar(select(func.count()).select_from(OUTBOX)) == 0
