"""Consumers: a Redis consumer group per (stream, consumer name), idempotent handling.

One round (:meth:`Consumer.poll`):

1. every ``claim_idle / 2`` seconds, ``XAUTOCLAIM`` entries another member of
   the group (a dead process, or this one after a failure) has held longer
   than ``claim_idle`` seconds, and read their delivery counts (``XPENDING``);
2. ``XREADGROUP`` new entries, blocking at most ``block`` seconds (keep it
   below the Redis client's socket timeout). An empty reply is normal: the
   in-process store answers a blocking read at once, and can answer it with
   nothing even though an entry arrived; the loop then waits out the block
   time itself;
3. handle each entry in one database transaction that first checks and then
   inserts the ``processed_events`` row (primary key consumer + event id),
   so an event delivered twice is handled once; ``XACK`` only after commit.

A handler that raises leaves the entry pending; it is retried once it has
been idle ``claim_idle`` seconds. On the ``max_attempts``-th failed delivery,
the entry goes to ``<stream>:dead`` with the consumer, the attempts and the
error text, and is acknowledged. An entry reclaimed after more than
``max_attempts`` deliveries (its consumers kept dying mid-way) is
dead-lettered without running again, and one that does not decode as an event
is dead-lettered at once. ``claim_idle`` must exceed the slowest handler, or a
live consumer's entry is reclaimed while it still works on it. Entries arrive
in stream order, but a failed one is retried later, so entries after it (of
the same aggregate too) may be handled first: a handler that must not apply
an older change over a newer one compares ``occurred_at`` or a version.

A new group starts at the beginning of the stream, so a consumer added later
still sees the events the stream holds. Processed-event records are kept
``keep_processed`` (a week by default), far longer than any redelivery
takes, then deleted.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
import traceback
from collections.abc import Awaitable, Callable, Collection, Mapping
from datetime import timedelta
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError
from sqlalchemy import CursorResult, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, utcnow
from shared.events.event import Event, MalformedEvent
from shared.events.polling import PURGE_EVERY, PollingWorker
from shared.events.tables import PROCESSED_EVENTS
from shared.events.tracing import consuming

log = logging.getLogger(__name__)

EventHandler = Callable[[Event, AsyncSession], Awaitable[None]]
"""Does a consumer's work for one event inside the transaction it is given; never commits."""

Entry = tuple[str, dict[str, str]]


def dead_letter_stream(stream: str) -> str:
    return f"{stream}:dead"


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    frames = "".join(traceback.format_tb(exc.__traceback__, limit=-3))
    return f"{text}\n{frames}".strip()


class Consumer(PollingWorker):
    """Feeds one stream's events to ``handler``; a :class:`~shared.lifecycle.Worker`.

    ``name`` is the consumer group and the key of its processed-event
    records: keep it stable (e.g. ``"social.user-registered"``).
    ``event_types`` limits handling to those types; others are acknowledged
    without a transaction.
    """

    def __init__(
        self,
        database: Database,
        redis: Redis,
        *,
        stream: str,
        name: str,
        handler: EventHandler,
        event_types: Collection[str] | None = None,
        max_attempts: int = 5,
        claim_idle: float = 30.0,
        batch_size: int = 16,
        block: float = 0.25,
        max_backoff: float = 5.0,
        member: str | None = None,
        keep_processed: timedelta = timedelta(days=7),
    ) -> None:
        super().__init__(
            name=f"consumer {name} of {stream}", idle_interval=0, max_backoff=max_backoff
        )
        self.group = name
        self.stream = stream
        # The member name within the group: unique per process, since replicas
        # sharing one would read as a single member and share its pending entries.
        self.member = member or f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self._database = database
        self._redis = redis
        self._handler = handler
        self._event_types = frozenset(event_types) if event_types is not None else None
        self._max_attempts = max_attempts
        self._claim_idle_ms = int(claim_idle * 1000)
        self._claim_every = claim_idle / 2
        self._batch_size = batch_size
        self._block = block
        self._claim_cursor = "0-0"
        self._next_claim = 0.0
        self._group_ready = False
        self._keep_processed = keep_processed
        self._next_purge = 0.0

    async def stop(self) -> None:
        await super().stop()
        await self._leave_group()

    async def ensure_group(self) -> None:
        try:
            await self._redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if not str(exc).startswith("BUSYGROUP"):
                raise
        self._group_ready = True

    async def step(self) -> bool:
        started = time.monotonic()
        handled = await self.poll()
        if not handled:
            # The in-process store answers a blocking read at once: wait out the
            # block time here, or this loop would spin.
            await self.pause(self._block - (time.monotonic() - started))
        return handled > 0

    async def poll(self) -> int:
        """One round: reclaim what is due, read what is new, handle both; return the count."""
        if not self._group_ready:
            await self.ensure_group()
        try:
            return await self._handle_due_and_new()
        except ResponseError as exc:
            if str(exc).startswith("NOGROUP"):
                # The stream is gone (Redis restarted without persistence, say):
                # create the group again on the next round.
                self._group_ready = False
            raise

    async def _handle_due_and_new(self) -> int:
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + PURGE_EVERY
            await self.forget_processed()
        handled = 0
        if time.monotonic() >= self._next_claim:
            self._next_claim = time.monotonic() + self._claim_every
            for entry, deliveries in await self._reclaim():
                await self._handle(entry, deliveries)
                handled += 1
        for entry in await self._read_new():
            await self._handle(entry, 1)
            handled += 1
        return handled

    async def forget_processed(self) -> int:
        """Delete this consumer's records older than ``keep_processed``; return how many."""
        async with self._database.transaction() as session:
            result = await session.execute(
                delete(PROCESSED_EVENTS).where(
                    PROCESSED_EVENTS.c.consumer == self.group,
                    PROCESSED_EVENTS.c.processed_at < utcnow() - self._keep_processed,
                )
            )
        return cast("CursorResult[Any]", result).rowcount

    async def _read_new(self) -> list[Entry]:
        # Decoded RESP2 reply: [[stream, [(id, fields), ...]]], or nothing after BLOCK.
        reply = cast(
            "list[tuple[str, list[Entry]]] | None",
            await self._redis.xreadgroup(
                self.group,
                self.member,
                {self.stream: ">"},
                count=self._batch_size,
                block=int(self._block * 1000),
            ),
        )
        return [entry for _stream, entries in reply or [] for entry in entries]

    async def _reclaim(self) -> list[tuple[Entry, int]]:
        cursor, entries, *_deleted = await self._redis.xautoclaim(
            self.stream,
            self.group,
            self.member,
            min_idle_time=self._claim_idle_ms,
            start_id=self._claim_cursor,
            count=self._batch_size,
        )
        self._claim_cursor = cursor
        if not entries:
            return []
        # XAUTOCLAIM does not say how often an entry was delivered; XPENDING does.
        async with self._redis.pipeline(transaction=False) as pipe:
            for entry_id, _fields in entries:
                pipe.xpending_range(self.stream, self.group, min=entry_id, max=entry_id, count=1)
            pending: list[list[dict[str, Any]]] = await pipe.execute()
        deliveries = {row["message_id"]: row["times_delivered"] for rows in pending for row in rows}
        return [((entry_id, fields), deliveries.get(entry_id, 1)) for entry_id, fields in entries]

    async def _handle(self, entry: Entry, deliveries: int) -> None:
        entry_id, fields = entry
        try:
            event = Event.from_fields(fields)
        except MalformedEvent as exc:
            await self._dead_letter(entry, deliveries, str(exc))
            return
        if self._event_types is not None and event.type not in self._event_types:
            await self._redis.xack(self.stream, self.group, entry_id)
            return
        if deliveries > self._max_attempts:
            await self._dead_letter(
                entry,
                deliveries,
                f"gave up after {deliveries} deliveries: the consumers handling it stopped mid-way",
            )
            return
        try:
            with consuming(event.type, fields, stream=self.stream, group=self.group):
                await self._process(event)
        except Exception as exc:
            log.warning(
                "%s: event %s (%s) failed on delivery %d of %d: %s",
                self.name,
                event.id,
                event.type,
                deliveries,
                self._max_attempts,
                exc,
                exc_info=True,
            )
            if deliveries >= self._max_attempts:
                await self._dead_letter(entry, deliveries, _describe(exc))
            return
        await self._redis.xack(self.stream, self.group, entry_id)

    async def _process(self, event: Event) -> None:
        async with self._database.transaction() as session:
            already = await session.scalar(
                select(PROCESSED_EVENTS.c.event_id).where(
                    PROCESSED_EVENTS.c.consumer == self.group,
                    PROCESSED_EVENTS.c.event_id == event.id,
                )
            )
            if already is not None:
                return
            await self._handler(event, session)
            # A concurrent duplicate fails here on the primary key and rolls back its work.
            await session.execute(
                insert(PROCESSED_EVENTS).values(
                    consumer=self.group, event_id=event.id, processed_at=utcnow()
                )
            )

    async def _dead_letter(self, entry: Entry, deliveries: int, error: str) -> None:
        entry_id, fields = entry
        log.error("%s: entry %s goes to the dead-letter stream: %s", self.name, entry_id, error)
        dead: Mapping[str, str] = {
            **fields,
            "entry_id": entry_id,
            "consumer": self.group,
            "attempts": str(deliveries),
            "error": error,
        }
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xadd(dead_letter_stream(self.stream), dict(dead))  # type: ignore[arg-type]
            pipe.xack(self.stream, self.group, entry_id)
            await pipe.execute()

    async def _leave_group(self) -> None:
        """Remove this member from the group unless it still holds entries (deleting would drop them)."""
        try:
            pending = await self._redis.xpending_range(
                self.stream, self.group, min="-", max="+", count=1, consumername=self.member
            )
            if not pending:
                await self._redis.xgroup_delconsumer(self.stream, self.group, self.member)
        except RedisError as exc:
            log.warning("%s: could not leave the group: %s", self.name, exc)
