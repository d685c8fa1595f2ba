"""A worker that samples a service's event backlog into gauges every few seconds.

Outbox: unsent rows and the age of the oldest. Each consumer group: its lag
(entries not yet delivered) and pending entries (``XINFO GROUPS``), and the
length of its stream's dead-letter stream. Sampling reads what the relays
and consumers leave behind, so their own loops carry no measuring code.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlalchemy import func, select

from shared.db import Database, utcnow
from shared.events.consumer import Consumer, dead_letter_stream
from shared.events.polling import PollingWorker
from shared.events.relay import OutboxRelay
from shared.events.tables import OUTBOX
from shared.lifecycle import Worker
from shared.telemetry.metrics import (
    DEAD_LETTERS,
    OUTBOX_BACKLOG,
    OUTBOX_OLDEST_AGE,
    STREAM_LAG,
    STREAM_PENDING,
)


class BacklogSampler(PollingWorker):
    def __init__(
        self,
        service: str,
        database: Database,
        redis: Redis,
        *,
        outbox: bool,
        consumers: Sequence[Consumer],
        interval: float = 5.0,
    ) -> None:
        super().__init__(
            name=f"{service} backlog sampler", idle_interval=interval, max_backoff=interval
        )
        self._service = service
        self._database = database
        self._redis = redis
        self._outbox = outbox
        self._groups = sorted({(c.stream, c.group) for c in consumers})

    @classmethod
    def of(
        cls, service: str, database: Database, redis: Redis, workers: Sequence[Worker]
    ) -> BacklogSampler | None:
        """A sampler for what ``workers`` relay and consume; None when they do neither."""
        consumers = [w for w in workers if isinstance(w, Consumer)]
        outbox = any(isinstance(w, OutboxRelay) for w in workers)
        if not consumers and not outbox:
            return None
        return cls(service, database, redis, outbox=outbox, consumers=consumers)

    async def step(self) -> bool:
        await self.sample()
        return False

    async def sample(self) -> None:
        if self._outbox:
            await self._sample_outbox()
        for stream in sorted({stream for stream, _ in self._groups}):
            await self._sample_stream(stream)

    async def _sample_outbox(self) -> None:
        unsent = OUTBOX.c.sent_at.is_(None)
        async with self._database.engine.connect() as connection:
            count, oldest = (
                await connection.execute(
                    select(func.count(), func.min(OUTBOX.c.occurred_at)).where(unsent)
                )
            ).one()
        OUTBOX_BACKLOG.labels(self._service).set(count)
        age = 0.0
        if oldest is not None:
            # SQLite and MariaDB hand back naive UTC here (an aggregate skips the column type).
            age = max(
                0.0, (utcnow().replace(tzinfo=None) - oldest.replace(tzinfo=None)).total_seconds()
            )
        OUTBOX_OLDEST_AGE.labels(self._service).set(age)

    async def _sample_stream(self, stream: str) -> None:
        try:
            groups = await self._redis.xinfo_groups(stream)
        except ResponseError:  # the stream does not exist yet
            groups = []
        wanted = {group for s, group in self._groups if s == stream}
        for info in groups:
            name = _text(info["name"])
            if name in wanted:
                STREAM_PENDING.labels(self._service, stream, name).set(int(info["pending"]))
                STREAM_LAG.labels(self._service, stream, name).set(int(info.get("lag") or 0))
        dead = await self._redis.xlen(dead_letter_stream(stream))
        DEAD_LETTERS.labels(self._service, stream).set(dead)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
