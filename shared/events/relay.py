"""The outbox relay: publishes committed outbox rows to the domain's stream, in order.

Each batch is one transaction: lock the oldest unsent rows (``FOR UPDATE SKIP
LOCKED`` on MariaDB/MySQL; SQLite has a single writer anyway), ``XADD`` them
one by one with their event id, mark the published ones sent, commit. On a
Redis error the batch stops at the failed row, the rows before it are still
marked sent, and the loop backs off and retries from that row, so nothing is
lost and nothing overtakes an earlier event.

Two relays on one database: ``SKIP LOCKED`` keeps them from publishing the
same rows, and a relay only publishes the rows it holds that have no unsent
row before them held by someone else. Two relays scanning at once can take
alternate rows (each skips the row the other just locked), so holding the
oldest unsent row is not enough: the batch is cut at the first row another
relay holds, and one that holds no head publishes nothing and waits. Events
therefore leave in outbox order and never pass each other. Delivery is at
least once: a crash between ``XADD`` and the commit republishes those rows,
which consumers skip by event id.

The relay's transactions run at READ COMMITTED on MariaDB so the locking read
takes no gap locks that would block producers inserting new outbox rows.
Sent rows are kept ``keep_sent`` (a day by default) for inspection, then the
relay deletes them.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import timedelta

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import Row, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.db import Database, utcnow
from shared.events.event import stream_entry
from shared.events.polling import PURGE_EVERY, PollingWorker
from shared.events.tables import OUTBOX
from shared.events.tracing import trace_fields


class OutboxRelay(PollingWorker):
    """Publishes a domain's outbox to its stream; a :class:`~shared.lifecycle.Worker`."""

    def __init__(
        self,
        database: Database,
        redis: Redis,
        *,
        stream: str,
        batch_size: int = 100,
        poll_interval: float = 0.2,
        max_backoff: float = 5.0,
        max_stream_length: int | None = None,
        keep_sent: timedelta = timedelta(days=1),
    ) -> None:
        super().__init__(
            name=f"outbox relay to {stream}", idle_interval=poll_interval, max_backoff=max_backoff
        )
        self._database = database
        self._redis = redis
        self._stream = stream
        self._batch_size = batch_size
        # Trimming is off by default: a trimmed entry is lost to a consumer that lags behind.
        self._max_stream_length = max_stream_length
        self._keep_sent = keep_sent
        self._next_purge = 0.0

    async def step(self) -> bool:
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + PURGE_EVERY
            await self.purge_sent()
        return await self.publish_batch() == self._batch_size

    async def purge_sent(self) -> int:
        """Delete rows sent longer than ``keep_sent`` ago; return how many."""
        async with self._connection() as connection, connection.begin():
            result = await connection.execute(
                delete(OUTBOX).where(OUTBOX.c.sent_at < utcnow() - self._keep_sent)
            )
        return result.rowcount

    async def publish_pending(self) -> int:
        """Publish batches until none is full; return how many events were published."""
        total = 0
        while True:
            published = await self.publish_batch()
            total += published
            if published < self._batch_size:
                return total

    async def publish_batch(self) -> int:
        """Publish one batch of the oldest unsent rows; raise the Redis error that stopped it."""
        failure: RedisError | None = None
        async with self._connection() as connection, connection.begin():
            rows = await self._lock_oldest_unsent(connection)
            if not rows:
                return 0
            published: list[int] = []
            for row in rows:
                try:
                    await self._publish(row)
                except RedisError as exc:
                    failure = exc
                    break
                published.append(row.id)
            if published:
                await connection.execute(
                    update(OUTBOX).where(OUTBOX.c.id.in_(published)).values(sent_at=utcnow())
                )
        if failure is not None:
            raise failure
        return len(published)

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        async with self._database.engine.connect() as connection:
            if connection.dialect.name == "mysql":
                await connection.execution_options(isolation_level="READ COMMITTED")
            yield connection

    async def _lock_oldest_unsent(
        self, connection: AsyncConnection
    ) -> Sequence[Row[tuple[object, ...]]]:
        unsent = OUTBOX.c.sent_at.is_(None)
        rows = (
            await connection.execute(
                select(OUTBOX)
                .where(unsent)
                .order_by(OUTBOX.c.id)
                .limit(self._batch_size)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not rows:
            return rows
        # A plain read sees rows another relay has locked as still unsent: stop at the first.
        oldest = (
            await connection.scalars(
                select(OUTBOX.c.id).where(unsent).order_by(OUTBOX.c.id).limit(len(rows))
            )
        ).all()
        held = 0
        for row, oldest_id in zip(rows, oldest, strict=False):
            if row.id != oldest_id:
                break
            held += 1
        return rows[:held]

    async def _publish(self, row: Row[tuple[object, ...]]) -> None:
        fields = stream_entry(
            event_id=row.event_id,
            event_type=row.event_type,
            aggregate_type=row.aggregate_type,
            aggregate_id=row.aggregate_id,
            payload=row.payload,
            occurred_at=row.occurred_at,
        ) | trace_fields(row.trace_context)
        await self._redis.xadd(
            self._stream,
            fields,  # type: ignore[arg-type]
            maxlen=self._max_stream_length,
            approximate=True,
        )
