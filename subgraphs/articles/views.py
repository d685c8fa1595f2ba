"""View counts: buffered in Redis, written to the database in batches.

Recording a view is one Lua call: ``HINCRBY`` the article's field of the
buffer hash and ``INCR`` the buffered total; a total reaching ``flush_views``
wakes this process's flusher. The flusher also runs every ``interval``
seconds, so a batch is written after N views or T milliseconds, whichever
comes first, and once more when the service stops cleanly.

A flush first *moves* the buffer aside atomically (a Lua ``RENAME`` to a
batch key named by a fresh id, which is also added to the set of pending
batches): views recorded from then on start a new buffer, so none is lost
and none is counted in two batches. The batch is then applied in one
transaction, an insert of its id into ``view_flushes``, one ``UPDATE …
SET view_count = view_count + CASE id …`` for all its articles and an
``ArticleViewsCounted`` outbox event per article (the hot list scores
views from them), and only then deleted from Redis. If a process dies between the commit and the
delete, the next flush finds the batch still pending, fails to insert its
id again, and just deletes it: each batch is applied exactly once. Keys
share the ``{views}`` hash tag, so the scripts work on Redis Cluster.

A reader's ``viewCount`` is the flushed value plus the buffer's field;
flushed articles' cache entries are dropped after the commit. While a batch
is being applied (between the swap and the commit, a few milliseconds) its
views are in neither, so a count read then can be briefly low, never high.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import case, insert, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from shared.db import Database, utcnow
from shared.redis import Keys
from subgraphs.articles.events import article_views_counted
from subgraphs.articles.models import Article, ViewFlush
from subgraphs.articles.service import ArticleId

log = logging.getLogger(__name__)

_RECORD = """
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return redis.call('INCR', KEYS[2])
"""

# Move the buffer to a batch key and remember the batch; nothing to move returns 0.
_TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  return 0
end
redis.call('RENAME', KEYS[1], KEYS[3])
redis.call('DEL', KEYS[2])
redis.call('SADD', KEYS[4], KEYS[3])
return 1
"""


class ViewCounter:
    """The Redis side: record views, read what is buffered, hand out batches."""

    def __init__(self, redis: Redis, keys: Keys, *, flush_views: int) -> None:
        self._redis = redis
        self._keys = keys
        self._buffer = keys.key("{views}", "buffer")
        self._total = keys.key("{views}", "total")
        self._batches = keys.key("{views}", "batches")
        self._flush_views = flush_views
        self._record = redis.register_script(_RECORD)
        self._take = redis.register_script(_TAKE)
        self.due = asyncio.Event()
        """Set when the buffer holds ``flush_views`` views: the flusher should run now."""

    async def record(self, article_id: int) -> None:
        total = int(await self._record(keys=[self._buffer, self._total], args=[article_id]))
        if total >= self._flush_views:
            self.due.set()

    async def buffered(self, article_ids: Iterable[int]) -> dict[int, int]:
        """Views of these articles recorded and not yet taken into a batch."""
        ids = list(article_ids)
        if not ids:
            return {}
        try:
            values = await self._redis.hmget(self._buffer, [str(i) for i in ids])
        except RedisError:
            log.warning("view buffer unreadable; showing flushed counts only")
            return dict.fromkeys(ids, 0)
        return {i: int(v or 0) for i, v in zip(ids, values, strict=True)}

    async def take(self) -> str | None:
        """Move the buffer into a new pending batch and return its key (``None``: nothing buffered)."""
        self.due.clear()
        batch = self._keys.key("{views}", "batch", uuid.uuid4().hex)
        moved = await self._take(keys=[self._buffer, self._total, batch, self._batches])
        return batch if moved else None

    async def pending(self) -> list[str]:
        """Batches taken and not yet applied (a flush died half-way, or is running elsewhere)."""
        return sorted(str(batch) for batch in await self._redis.smembers(self._batches))

    async def read(self, batch: str) -> dict[int, int]:
        return {int(k): int(v) for k, v in (await self._redis.hgetall(batch)).items()}

    async def forget(self, batch: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(batch)
            pipe.srem(self._batches, batch)
            await pipe.execute()


class ViewFlusher:
    """Applies batches of buffered views; a :class:`~shared.lifecycle.Worker`.

    ``on_flushed`` gets the ids of every flushed batch after its commit (the
    service drops their cache entries).
    """

    def __init__(
        self,
        counter: ViewCounter,
        database: Database,
        *,
        interval: float,
        on_flushed: Callable[[list[ArticleId]], Awaitable[None]],
    ) -> None:
        self._counter = counter
        self._database = database
        self._interval = interval
        self._on_flushed = on_flushed
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    @property
    def name(self) -> str:
        return "view count flusher"

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Stop the loop, then flush what is left: a clean stop loses no view."""
        if self._task is not None:
            self._stopping.set()
            task, self._task = self._task, None
            await task
        await self.flush()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            due = asyncio.create_task(self._counter.due.wait())
            stopping = asyncio.create_task(self._stopping.wait())
            await asyncio.wait(
                {due, stopping}, timeout=self._interval, return_when="FIRST_COMPLETED"
            )
            for waiter in (due, stopping):
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
            if self._stopping.is_set():
                return
            try:
                await self.flush()
            except (RedisError, SQLAlchemyError, OSError) as exc:
                log.warning("view flush failed, retrying next round: %s", exc)
                await asyncio.sleep(min(self._interval, 1.0))

    async def flush(self) -> int:
        """Apply every pending batch and the current buffer; return the views written."""
        async with self._lock:
            written = 0
            for batch in await self._counter.pending():
                written += await self._apply(batch)
            taken = await self._counter.take()
            if taken is not None:
                written += await self._apply(taken)
            return written

    async def _apply(self, batch: str) -> int:
        counts = {article: n for article, n in (await self._counter.read(batch)).items() if n}
        total = sum(counts.values())
        if counts:
            try:
                async with self._database.transaction() as session:
                    now = utcnow()
                    await session.execute(
                        insert(ViewFlush).values(
                            batch_id=batch.rsplit(":", 1)[-1], views=total, flushed_at=now
                        )
                    )
                    await session.execute(
                        update(Article)
                        .where(Article.id.in_(list(counts)))
                        .values(view_count=Article.view_count + case(counts, value=Article.id))
                    )
                    for article_id in sorted(counts):
                        await article_views_counted(
                            session, article_id=article_id, views=counts[article_id], at=now
                        )
            except IntegrityError:
                # Applied before, by a flush that died before it could forget the batch.
                total = 0
            else:
                await self._on_flushed([ArticleId(i) for i in counts])
        await self._counter.forget(batch)
        return total
