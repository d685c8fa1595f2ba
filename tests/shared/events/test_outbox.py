"""An event is written in the caller's transaction: it commits or rolls back with the domain rows."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, pool, select
from sqlalchemy.engine import URL

from shared.db import Database
from shared.events import record_event
from shared.migrations import sync_url
from tests.shared.events.models import EVENT_TABLES, Order, ShopBase

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


def test_the_migration_helper_builds_the_tables_the_metadata_declares(shop_mysql_url: URL) -> None:
    engine = create_engine(sync_url(shop_mysql_url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, ShopBase.metadata)
    engine.dispose()
    assert differences == []
