"""Consumers handle each event once, acknowledge only after commit, reclaim, and dead-letter."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, utcnow
from shared.events import Consumer, Event, OutboxRelay, dead_letter_stream
from shared.redis import create_redis
from tests.shared.events.models import EVENT_TABLES, Shipment
from tests.shared.events.support import eventually, place_order


class Shipping:
    """A handler that ships each order it sees, failing the first ``failures`` times."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.calls: list[str] = []

    async def __call__(self, event: Event, session: AsyncSession) -> None:
        self.calls.append(event.id)
        session.add(Shipment(event_id=event.id))
        await session.flush()
        if len(self.calls) <= self.failures:
            raise ValueError(f"no courier for {event.payload['item']}")


async def publish_order(database: Database, redis: Redis, stream: str, item: str) -> str:
    """Place an order and publish its event; return the event id."""
    event_id = await place_order(database, item)
    await OutboxRelay(database, redis, stream=stream).publish_pending()
    return event_id


def consumer(database: Database, redis: Redis, stream: str, handler: Any, **kw: Any) -> Consumer:
    options: dict[str, Any] = {"claim_idle": 0.1, "block": 0.05, "max_attempts": 3, **kw}
    return Consumer(database, redis, stream=stream, name="shipping", handler=handler, **options)


async def shipments(database: Database) -> int:
    async with database.transaction() as session:
        count: int = await session.scalar(select(func.count()).select_from(Shipment))
        return count


async def pending(redis: Redis, stream: str) -> int:
    summary = await redis.xpending(stream, "shipping")
    count: int = summary["pending"]
    return count


async def poll_until(worker: Consumer, check: Any, *, rounds: int = 100) -> None:
    for _ in range(rounds):
        await worker.poll()
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the consumer did not get there")


async def test_an_event_delivered_twice_is_handled_once(
    shop: Database, redis: Redis, stream: str
) -> None:
    await publish_order(shop, redis, stream, "tea")
    fields = (await redis.xrange(stream))[0][1]
    await redis.xadd(stream, fields)  # the same event again, as after a relay crash
    handler = Shipping()
    worker = consumer(shop, redis, stream, handler)

    assert await worker.poll() == 2
    assert len(handler.calls) == 1
    assert await shipments(shop) == 1
    assert await pending(redis, stream) == 0


async def test_a_failed_handler_is_not_acknowledged_and_runs_again(
    shop: Database, redis: Redis, stream: str
) -> None:
    await publish_order(shop, redis, stream, "kettle")
    handler = Shipping(failures=1)
    worker = consumer(shop, redis, stream, handler)

    await worker.poll()
    assert len(handler.calls) == 1
    assert await shipments(shop) == 0  # the failed attempt's work was rolled back
    assert await pending(redis, stream) == 1

    async def acknowledged() -> bool:
        return await pending(redis, stream) == 0

    await poll_until(worker, acknowledged)
    assert len(handler.calls) == 2
    assert await shipments(shop) == 1


async def test_entries_of_a_dead_consumer_are_reclaimed(
    shop: Database, redis: Redis, stream: str
) -> None:
    await publish_order(shop, redis, stream, "lamp")
    handler = Shipping()
    survivor = consumer(shop, redis, stream, handler)
    await survivor.ensure_group()
    # Another member reads the entry and dies before handling it.
    await redis.xreadgroup("shipping", "dead-member", {stream: ">"}, count=10)
    assert await survivor.poll() == 0

    async def shipped() -> bool:
        return await shipments(shop) == 1

    await poll_until(survivor, shipped)
    assert await pending(redis, stream) == 0


async def test_an_event_that_keeps_failing_goes_to_the_dead_letter_stream(
    shop: Database, redis: Redis, stream: str
) -> None:
    event_id = await publish_order(shop, redis, stream, "anvil")
    handler = Shipping(failures=99)
    worker = consumer(shop, redis, stream, handler)

    async def dead_lettered() -> bool:
        return await redis.xlen(dead_letter_stream(stream)) == 1

    await poll_until(worker, dead_lettered)
    assert len(handler.calls) == 3
    [(_, dead)] = await redis.xrange(dead_letter_stream(stream))
    assert dead["id"] == event_id and dead["consumer"] == "shipping"
    assert dead["attempts"] == "3"
    assert dead["error"].startswith("ValueError: no courier for anvil")
    assert await pending(redis, stream) == 0
    assert await shipments(shop) == 0


async def test_an_entry_that_is_no_event_is_dead_lettered_at_once(
    shop: Database, redis: Redis, stream: str
) -> None:
    await redis.xadd(stream, {"id": "x", "type": "shop.order-placed"})
    handler = Shipping()
    await consumer(shop, redis, stream, handler).poll()
    [(_, dead)] = await redis.xrange(dead_letter_stream(stream))
    assert dead["error"].startswith("the entry lacks aggregate_type")
    assert handler.calls == [] and await pending(redis, stream) == 0


async def test_events_of_other_types_are_acknowledged_without_handling(
    shop: Database, redis: Redis, stream: str
) -> None:
    await publish_order(shop, redis, stream, "pen")
    handler = Shipping()
    await consumer(shop, redis, stream, handler, event_types={"shop.order-paid"}).poll()
    assert handler.calls == [] and await pending(redis, stream) == 0


async def test_relay_and_consumer_run_on_the_embedded_defaults(
    sqlite_shop: Database, redis_prefix: str
) -> None:
    """``beyond dev``: SQLite and the in-process store, relay and consumer as background workers."""
    embedded = create_redis(None)
    stream = f"{redis_prefix}events:shop"
    relay = OutboxRelay(sqlite_shop, embedded, stream=stream, poll_interval=0.02)
    handler = Shipping()
    worker = consumer(sqlite_shop, embedded, stream, handler, block=0.05)
    await relay.start()
    await worker.start()
    try:
        ids = [await place_order(sqlite_shop, f"item {n}") for n in range(5)]

        async def all_shipped() -> bool:
            return await shipments(sqlite_shop) == 5

        await eventually(all_shipped)
        await worker.stop()
        await relay.stop()
        assert handler.calls == ids
        # A stopped member that holds no entries leaves the group.
        assert await embedded.xinfo_consumers(stream, "shipping") == []
    finally:
        await worker.stop()
        await relay.stop()
        await embedded.delete(stream)
        await embedded.aclose()


async def test_an_entry_whose_consumers_keep_dying_is_dead_lettered_unrun(
    shop: Database, redis: Redis, stream: str
) -> None:
    await publish_order(shop, redis, stream, "crasher")
    handler = Shipping()
    worker = consumer(shop, redis, stream, handler)
    await worker.ensure_group()
    [(_, [(entry_id, _fields)])] = await redis.xreadgroup(
        "shipping", "dies-1", {stream: ">"}, count=1
    )
    for member in ("dies-2", "dies-3"):  # each claims it, then dies too
        await redis.xclaim(stream, "shipping", member, min_idle_time=0, message_ids=[entry_id])

    async def dead_lettered() -> bool:
        return await redis.xlen(dead_letter_stream(stream)) == 1

    await poll_until(worker, dead_lettered)
    [(_, dead)] = await redis.xrange(dead_letter_stream(stream))
    assert dead["attempts"] == "4" and "stopped mid-way" in dead["error"]
    assert handler.calls == []


async def test_a_consumer_recreates_its_group_when_redis_lost_the_stream(
    shop: Database, redis: Redis, stream: str
) -> None:
    handler = Shipping()
    worker = consumer(shop, redis, stream, handler)
    await worker.poll()
    await redis.delete(stream)  # as after a restart without persistence
    with pytest.raises(ResponseError, match="NOGROUP"):
        await worker.poll()
    await publish_order(shop, redis, stream, "after the restart")

    async def shipped() -> bool:
        return await shipments(shop) == 1

    await poll_until(worker, shipped)


async def test_old_processed_records_are_forgotten(
    shop: Database, redis: Redis, stream: str
) -> None:
    long_ago = utcnow() - timedelta(days=30)
    async with shop.transaction() as session:
        await session.execute(
            insert(EVENT_TABLES.processed_events),
            [
                {"consumer": "shipping", "event_id": "old", "processed_at": long_ago},
                {"consumer": "shipping", "event_id": "new", "processed_at": utcnow()},
                {"consumer": "billing", "event_id": "old", "processed_at": long_ago},
            ],
        )
    assert await consumer(shop, redis, stream, Shipping()).forget_processed() == 1
    async with shop.transaction() as session:
        left = (await session.execute(select(EVENT_TABLES.processed_events))).all()
    assert sorted((row.consumer, row.event_id) for row in left) == [
        ("billing", "old"),
        ("shipping", "new"),
    ]
