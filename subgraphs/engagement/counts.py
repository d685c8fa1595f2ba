"""Like counts aggregated through the queue: Redis holds what is pending, batches write the rest.

A like or unlike commits its edge row and a ``LikeAdded``/``LikeRemoved``
event; it writes no counter. Counters move in two places:

* **pending** (Redis hash ``{likes}:pending``, field ``KIND:id``): each event
  adds its +1/-1 exactly once, keyed by its event id (``SET {likes}:seen:<id>
  NX`` then ``HINCRBY``, one script). The mutation does it right after its
  commit; the count consumer does it again when it reads the event, which is
  a no-op unless the mutation's process died in between.
* **stored** (``subjects.like_count``, ``comments.like_count``): the count
  consumer (:class:`LikeCountConsumer`) folds events into per-subject deltas
  and writes them once per ``flush_events`` events or ``flush_interval``
  seconds, whichever comes first: one transaction that skips events already
  processed, issues one ``UPDATE … SET like_count = like_count + CASE id …``
  per kind, records every event in ``processed_events`` and records the batch
  in ``count_batches``. After the commit it *settles* the batch in Redis
  (subtracts its deltas from pending, once per batch id), acknowledges the
  stream entries and deletes the batch row.

A reader sees stored + pending, so a like counts from the moment it commits.
Killing the consumer anywhere loses and doubles nothing: before the commit,
nothing was written and the entries are redelivered (their pending adds are
not repeated); after the commit, the redelivered events are found processed
and skipped, and the batch row still in ``count_batches`` is settled by the
next consumer to start, or by a live one once the row is ``claim_idle`` old
(settling twice is refused by the batch's marker, so a live consumer and its
owner may race for it). While a batch is between its commit and its
settlement its likes are counted in both, so a count read then can be high by
that batch: a few milliseconds normally, at most ``claim_idle`` after a crash
while another consumer runs.

``on_written`` gets each written batch's deltas after the fact (the hot list
scores likes from them: one update per subject and batch instead of one per
like); a consumer killed before it runs leaves that batch out of the hot list.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from redis.asyncio import Redis
from redis.exceptions import ResponseError
from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, utcnow
from shared.events import Event, MalformedEvent, dead_letter_stream
from shared.events.polling import PURGE_EVERY, PollingWorker
from shared.events.tables import PROCESSED_EVENTS
from shared.redis import Keys
from subgraphs.engagement.events import LIKE_ADDED, LIKE_REMOVED
from subgraphs.engagement.models import Comment, CountBatch, Subject
from subgraphs.engagement.rules import Kind

log = logging.getLogger(__name__)

SEEN_TTL = 7 * 24 * 3600
"""Seconds an event's pending add is remembered: longer than any redelivery takes."""

CountKey = tuple[Kind, int]

# KEYS: pending hash, then one seen-marker per event; ARGV: ttl, then field and delta per event.
_NOTE = """
for i = 2, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('HINCRBY', KEYS[1], ARGV[2 * i - 2], ARGV[2 * i - 1])
  end
end
return 1
"""

# KEYS: pending hash, the batch's settled marker, the stats hash;
# ARGV: ttl, UPDATEs issued, events counted, then field and delta per subject.
_SETTLE = """
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 0 end
for i = 4, #ARGV, 2 do
  local left = redis.call('HINCRBY', KEYS[1], ARGV[i], -tonumber(ARGV[i + 1]))
  if left == 0 then redis.call('HDEL', KEYS[1], ARGV[i]) end
end
redis.call('HINCRBY', KEYS[3], 'batches', 1)
redis.call('HINCRBY', KEYS[3], 'updates', ARGV[2])
redis.call('HINCRBY', KEYS[3], 'events', ARGV[3])
return 1
"""


def field_of(key: CountKey) -> str:
    return f"{key[0].value}:{key[1]}"


def key_of(field: str) -> CountKey:
    kind, id_ = field.split(":")
    return (Kind(kind), int(id_))


class PendingLikes:
    """The Redis side: likes committed and not yet in a stored count."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._pending = keys.key("{likes}", "pending")
        self._stats = keys.key("{likes}", "stats")
        self._note = redis.register_script(_NOTE)
        self._settle = redis.register_script(_SETTLE)

    async def note(self, changes: Iterable[tuple[str, CountKey, int]]) -> None:
        """Add each (event id, subject, delta) to pending, once per event id."""
        seen: list[str] = []
        args: list[Any] = [SEEN_TTL]
        for event_id, key, delta in changes:
            seen.append(self._keys.key("{likes}", "seen", event_id))
            args += [field_of(key), delta]
        if seen:
            await self._note(keys=[self._pending, *seen], args=args)

    async def pending(self, keys: Collection[CountKey]) -> dict[CountKey, int]:
        wanted = list(keys)
        if not wanted:
            return {}
        values = await self._redis.hmget(self._pending, [field_of(key) for key in wanted])
        return {key: int(value or 0) for key, value in zip(wanted, values, strict=True)}

    async def settle(
        self, batch_id: str, deltas: Mapping[CountKey, int], *, updates: int, events: int
    ) -> bool:
        """Subtract a written batch from pending; ``False`` if it was settled before."""
        marker = self._keys.key("{likes}", "settled", batch_id)
        args: list[Any] = [SEEN_TTL, updates, events]
        for key, delta in deltas.items():
            args += [field_of(key), delta]
        return bool(await self._settle(keys=[self._pending, marker, self._stats], args=args))

    async def stats(self) -> dict[str, int]:
        """Batches written, ``UPDATE`` statements issued and events counted, since Redis began."""
        raw = await self._redis.hgetall(self._stats)
        return {str(name): int(value) for name, value in raw.items()}


async def write_counts(session: AsyncSession, deltas: Mapping[CountKey, int]) -> int:
    """Add ``deltas`` to the stored counts: one ``UPDATE`` per kind; return how many."""
    by_kind: dict[Kind, dict[int, int]] = {}
    for (kind, id_), delta in deltas.items():
        if delta:
            by_kind.setdefault(kind, {})[id_] = delta
    for kind, changes in by_kind.items():
        if kind is Kind.COMMENT:
            await session.execute(
                update(Comment)
                .where(Comment.id.in_(list(changes)))
                .values(like_count=Comment.like_count + case(changes, value=Comment.id))
            )
        else:
            await session.execute(
                update(Subject)
                .where(Subject.kind == kind.value, Subject.id.in_(list(changes)))
                .values(like_count=Subject.like_count + case(changes, value=Subject.id))
            )
    return len(by_kind)


@dataclass(frozen=True, slots=True)
class _Buffered:
    entry_id: str
    event_id: str
    key: CountKey
    delta: int


Entry = tuple[str, dict[str, str]]


class LikeCountConsumer(PollingWorker):
    """Reads ``events:engagement`` in a consumer group and writes like counts in batches."""

    def __init__(
        self,
        database: Database,
        redis: Redis,
        pending: PendingLikes,
        *,
        stream: str,
        flush_events: int,
        flush_interval: float,
        claim_idle: float,
        block: float = 0.1,
        name: str = "engagement.like-counts",
        member: str | None = None,
        on_written: Callable[[Mapping[CountKey, int]], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(name=f"consumer {name} of {stream}", idle_interval=0, max_backoff=5.0)
        self.group = name
        self.stream = stream
        self.member = member or f"{socket.gethostname()}-{secrets.token_hex(4)}"
        self._database = database
        self._redis = redis
        self._pending = pending
        self._on_written = on_written
        self._flush_events = flush_events
        self._flush_interval = flush_interval
        self._claim_idle = claim_idle
        self._claim_idle_ms = int(claim_idle * 1000)
        self._claim_every = claim_idle / 2
        self._block = block
        self._buffer: dict[str, _Buffered] = {}
        self._first_at = 0.0
        self._next_claim = 0.0
        self._next_purge = 0.0
        self._ready = False

    async def step(self) -> bool:
        if not self._ready:
            await self._start_up()
        started = time.monotonic()
        if started >= self._next_purge:
            self._next_purge = started + PURGE_EVERY
            await self._forget_processed()
        entries: list[Entry] = []
        if started >= self._next_claim:
            self._next_claim = started + self._claim_every
            await self.settle_leftovers(older_than=self._claim_idle)
            entries = await self._reclaim()
        entries += await self._read()
        await self._take(entries)
        if self._buffer and (
            len(self._buffer) >= self._flush_events
            or time.monotonic() - self._first_at >= self._flush_interval
        ):
            await self.flush()
            return True
        if not entries:
            await self.pause(self._wait() - (time.monotonic() - started))
        return bool(entries)

    async def _start_up(self) -> None:
        try:
            await self._redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if not str(exc).startswith("BUSYGROUP"):
                raise
        await self.settle_leftovers()
        self._ready = True

    async def settle_leftovers(self, *, older_than: float = 0.0) -> int:
        """Settle batches a consumer committed but did not live to settle; return how many.

        ``older_than`` (seconds) leaves a live consumer's batch to its owner, whose settlement
        also counts it in the stats; taking it anyway would still count it once.
        """
        written_before = utcnow() - timedelta(seconds=older_than)
        async with self._database.transaction() as session:
            rows = (
                await session.scalars(
                    select(CountBatch).where(CountBatch.created_at <= written_before)
                )
            ).all()
        for row in rows:
            deltas = {key_of(field): int(d) for field, d in json.loads(row.deltas).items()}
            await self._pending.settle(row.batch_id, deltas, updates=0, events=0)
            async with self._database.transaction() as session:
                await session.execute(delete(CountBatch).where(CountBatch.batch_id == row.batch_id))
        return len(rows)

    async def _forget_processed(self) -> None:
        async with self._database.transaction() as session:
            await session.execute(
                delete(PROCESSED_EVENTS).where(
                    PROCESSED_EVENTS.c.consumer == self.group,
                    PROCESSED_EVENTS.c.processed_at < utcnow() - timedelta(seconds=SEEN_TTL),
                )
            )

    def _wait(self) -> float:
        if not self._buffer:
            return self._block
        left = self._flush_interval - (time.monotonic() - self._first_at)
        return max(0.0, min(self._block, left))

    async def _read(self) -> list[Entry]:
        room = self._flush_events - len(self._buffer)
        if room <= 0:
            return []
        reply = cast(
            "list[tuple[str, list[Entry]]] | None",
            await self._redis.xreadgroup(
                self.group,
                self.member,
                {self.stream: ">"},
                count=room,
                block=max(1, int(self._wait() * 1000)),
            ),
        )
        return [entry for _stream, entries in reply or [] for entry in entries]

    async def _reclaim(self) -> list[Entry]:
        """Entries a dead member read and never acknowledged."""
        _cursor, entries, *_ = await self._redis.xautoclaim(
            self.stream,
            self.group,
            self.member,
            min_idle_time=self._claim_idle_ms,
            start_id="0-0",
            count=self._flush_events,
        )
        return [(entry_id, fields) for entry_id, fields in entries if entry_id not in self._buffer]

    async def _take(self, entries: list[Entry]) -> None:
        skipped: list[str] = []
        taken: list[_Buffered] = []
        for entry_id, fields in entries:
            try:
                event = Event.from_fields(fields)
            except MalformedEvent as exc:
                log.error("%s: entry %s is not an event: %s", self.name, entry_id, exc)
                dead: dict[Any, Any] = {**fields, "error": str(exc)}
                await self._redis.xadd(dead_letter_stream(self.stream), dead)
                skipped.append(entry_id)
                continue
            if event.type not in (LIKE_ADDED, LIKE_REMOVED):
                skipped.append(entry_id)
                continue
            key = (Kind(event.payload["subjectKind"]), int(event.payload["subjectId"]))
            delta = 1 if event.type == LIKE_ADDED else -1
            taken.append(_Buffered(entry_id, event.id, key, delta))
        if skipped:
            await self._redis.xack(self.stream, self.group, *skipped)
        if not taken:
            return
        await self._pending.note((item.event_id, item.key, item.delta) for item in taken)
        if not self._buffer:
            self._first_at = time.monotonic()
        self._buffer.update({item.entry_id: item for item in taken})

    async def flush(self) -> int:
        """Write the buffered events' counts in one transaction; return the events counted."""
        items = list(self._buffer.values())
        if not items:
            return 0
        batch_id = uuid.uuid4().hex
        async with self._database.transaction() as session:
            done = set(
                await session.scalars(
                    select(PROCESSED_EVENTS.c.event_id).where(
                        PROCESSED_EVENTS.c.consumer == self.group,
                        PROCESSED_EVENTS.c.event_id.in_({item.event_id for item in items}),
                    )
                )
            )
            fresh = {item.event_id: item for item in items if item.event_id not in done}
            deltas: dict[CountKey, int] = {}
            for item in fresh.values():
                deltas[item.key] = deltas.get(item.key, 0) + item.delta
            deltas = {key: delta for key, delta in deltas.items() if delta}
            updates = await write_counts(session, deltas)
            if fresh:
                now = utcnow()
                await session.execute(
                    insert(PROCESSED_EVENTS),
                    [
                        {"consumer": self.group, "event_id": event_id, "processed_at": now}
                        for event_id in fresh
                    ],
                )
            if deltas:
                encoded = json.dumps({field_of(key): delta for key, delta in deltas.items()})
                session.add(CountBatch(batch_id=batch_id, deltas=encoded, created_at=utcnow()))
        if fresh:
            # Also when likes and unlikes cancelled out: the stats count every event.
            await self._pending.settle(batch_id, deltas, updates=updates, events=len(fresh))
        await self._redis.xack(self.stream, self.group, *(item.entry_id for item in items))
        if deltas:
            async with self._database.transaction() as session:
                await session.execute(delete(CountBatch).where(CountBatch.batch_id == batch_id))
        self._buffer.clear()
        if deltas and self._on_written is not None:
            try:
                await self._on_written(deltas)
            except Exception:
                # The counts are written; what follows them (the hot list) may miss a batch.
                log.exception("%s: after a written batch", self.name)
        return len(fresh)

    async def stop(self) -> None:
        """Stop reading, then write what is buffered: a clean stop leaves nothing pending."""
        await super().stop()
        try:
            await asyncio.wait_for(self.flush(), timeout=10)
        except Exception as exc:
            log.warning("%s: buffered like counts left for the next consumer: %s", self.name, exc)
