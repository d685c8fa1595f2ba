"""Order status changes fanned out to this process's ``orderStatusChanged`` subscribers.

One Redis connection per process listens on ``…commerce:order:*``
(``PSUBSCRIBE``) and wakes the subscribers of the order a message names; a
subscription holds no connection of its own, so any number of them cost one
connection, not one each from the shared pool. The listener starts with the
first subscriber. A wake-up carries no data: the subscriber re-reads the order
(the database is the truth, and a lost message only delays it until its
periodic re-read).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class OrderFeed:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._pattern = f"{prefix}commerce:order:*"
        self._prefix_length = len(self._pattern) - 1
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self._task: asyncio.Task[None] | None = None

    @contextmanager
    def watch(self, order_id: int) -> Iterator[asyncio.Event]:
        """An event set whenever the order changes; clear it after each wake-up."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._listen(), name="commerce order feed")
        event = asyncio.Event()
        key = str(order_id)
        self._waiting.setdefault(key, set()).add(event)
        try:
            yield event
        finally:
            self._waiting[key].discard(event)
            if not self._waiting[key]:
                del self._waiting[key]

    async def _listen(self) -> None:
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.psubscribe(self._pattern)
                async for message in pubsub.listen():
                    if message["type"] == "pmessage":
                        for event in self._waiting.get(
                            message["channel"][self._prefix_length :], ()
                        ):
                            event.set()
            except RedisError as exc:
                log.warning("order feed lost Redis, listening again: %s", exc)
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(RedisError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
