"""The relay publishes committed events in order, marks them sent, and loses nothing to outages."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import timedelta

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import func, select, update

from shared.db import Database, utcnow
from shared.events import OutboxRelay
from tests.shared.events.models import EVENT_TABLES
from tests.shared.events.support import eventually, place_order, published

OUTBOX = EVENT_TABLES.outbox


async def unsent(database: Database) -> int:
    async with database.transaction() as session:
        count: int = await session.scalar(
            select(func.count()).select_from(OUTBOX).where(OUTBOX.c.sent_at.is_(None))
        )
        return count


async def test_publishes_in_insertion_order_and_marks_sent(
    shop: Database, redis: Redis, stream: str
) -> None:
    ids = [await place_order(shop, f"item {n}") for n in range(7)]
    relay = OutboxRelay(shop, redis, stream=stream, batch_size=3)

    assert await relay.publish_pending() == 7
    events = await published(redis, stream)
    assert [event.id for event in events] == ids
    assert events[0].type == "shop.order-placed" and events[0].payload == {"item": "item 0"}
    assert await unsent(shop) == 0
    assert await relay.publish_pending() == 0
    assert len(await published(redis, stream)) == 7


async def test_publishes_from_the_embedded_sqlite_default(
    sqlite_shop: Database, redis: Redis, stream: str
) -> None:
    ids = [await place_order(sqlite_shop, f"item {n}") for n in range(3)]
    assert await OutboxRelay(sqlite_shop, redis, stream=stream).publish_pending() == 3
    assert [event.id for event in await published(redis, stream)] == ids


async def test_a_redis_outage_loses_and_reorders_nothing(
    shop: Database, redis: Redis, dead_redis: Redis, stream: str
) -> None:
    before = [await place_order(shop, f"item {n}") for n in range(3)]
    down = OutboxRelay(shop, dead_redis, stream=stream, poll_interval=0.01, max_backoff=0.05)
    with pytest.raises(RedisError):
        await down.publish_pending()
    await down.start()  # the loop keeps retrying with backoff instead of dying
    during = await place_order(shop, "during the outage")
    await asyncio.sleep(0.3)
    await down.stop()
    assert await unsent(shop) == 4

    up = OutboxRelay(shop, redis, stream=stream)
    assert await up.publish_pending() == 4
    assert [event.id for event in await published(redis, stream)] == [*before, during]


async def test_a_restarted_relay_continues_where_the_last_one_stopped(
    shop: Database, redis: Redis, stream: str
) -> None:
    first = OutboxRelay(shop, redis, stream=stream, poll_interval=0.01)
    await first.start()
    ids = [await place_order(shop, "before the restart")]

    async def all_published() -> bool:
        return len(await published(redis, stream)) == len(ids)

    await eventually(all_published)
    await first.stop()
    ids += [await place_order(shop, f"after {n}") for n in range(2)]
    second = OutboxRelay(shop, redis, stream=stream, poll_interval=0.01)
    await second.start()
    await eventually(all_published)
    await second.stop()
    assert [event.id for event in await published(redis, stream)] == ids


async def test_two_relays_on_mariadb_publish_each_event_once_and_in_order(
    shop: Database, redis: Redis, stream: str
) -> None:
    aggregates = [f"order-{n}" for n in range(10)]
    ids = [
        await place_order(shop, f"step {n}", aggregate_id=aggregates[n % 10]) for n in range(120)
    ]
    second_pool = Database.from_url(shop.engine.url)
    relays = [
        OutboxRelay(database, redis, stream=stream, batch_size=7, poll_interval=0.01)
        for database in (shop, second_pool)
    ]
    try:
        for relay in relays:
            await relay.start()

        async def drained() -> bool:
            return await unsent(shop) == 0

        await eventually(drained, within=20)
    finally:
        for relay in relays:
            await relay.stop()
        await second_pool.dispose()
    events = await published(redis, stream)
    assert sorted(event.id for event in events) == sorted(ids)
    assert [event.id for event in events] == ids
    by_aggregate: dict[str, list[str]] = defaultdict(list)
    for event in events:
        by_aggregate[event.aggregate_id].append(event.payload["item"])
    assert by_aggregate["order-3"] == [f"step {n}" for n in range(3, 120, 10)]


async def test_a_relay_publishes_only_up_to_a_row_another_relay_holds(
    shop: Database, redis: Redis, stream: str
) -> None:
    """Two relays scanning at once can lock alternate rows; neither may publish past the other's."""
    ids = [await place_order(shop, f"step {n}") for n in range(6)]
    async with shop.engine.connect() as other, other.begin():
        outbox_ids = (await other.scalars(select(OUTBOX.c.id).order_by(OUTBOX.c.id))).all()
        await other.execute(
            select(OUTBOX).where(OUTBOX.c.id.in_(outbox_ids[1::2])).with_for_update()
        )
        relay = OutboxRelay(shop, redis, stream=stream, batch_size=6)
        assert await relay.publish_batch() == 1
        assert await relay.publish_batch() == 0
    assert await relay.publish_pending() == 5
    assert [event.id for event in await published(redis, stream)] == ids


async def test_sent_rows_are_deleted_once_they_are_old(
    shop: Database, redis: Redis, stream: str
) -> None:
    for n in range(3):
        await place_order(shop, f"item {n}")
    relay = OutboxRelay(shop, redis, stream=stream, keep_sent=timedelta(hours=1))
    await relay.publish_pending()
    unsent_id = await place_order(shop, "not yet sent")
    async with shop.transaction() as session:
        oldest = await session.scalar(select(func.min(OUTBOX.c.id)))
        await session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == oldest)
            .values(sent_at=utcnow() - timedelta(hours=2))
        )
    assert await relay.purge_sent() == 1
    async with shop.transaction() as session:
        left = (await session.scalars(select(OUTBOX.c.event_id))).all()
    assert len(left) == 3 and unsent_id in left
