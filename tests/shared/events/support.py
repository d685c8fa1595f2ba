"""Helpers of the event tests: placing orders with their events, reading a stream back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from shared.db import Database
from shared.events import Event, record_event
from tests.shared.events.models import Order


async def place_order(database: Database, item: str, *, aggregate_id: str | None = None) -> str:
    """An order and its ``shop.order-placed`` event, committed together; returns the event id."""
    async with database.transaction() as session:
        order = Order(item=item)
        session.add(order)
        await session.flush()
        return await record_event(
            session,
            aggregate_type="order",
            aggregate_id=aggregate_id or str(order.id),
            event_type="shop.order-placed",
            payload={"item": item},
        )


async def published(redis: Redis, stream: str) -> list[Event]:
    return [Event.from_fields(fields) for _id, fields in await redis.xrange(stream)]


async def eventually(check: Callable[[], Awaitable[bool]], *, within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        await asyncio.sleep(0.02)
