"""Readers' timelines in Redis: one sorted set of article ids per reader, capped.

``timeline:<reader>`` scores each article id with its publication time in
whole seconds; members are ids zero-padded to 20 digits, so Redis orders
articles published in the same second by id, exactly as the database's
``(published_at, id)`` keyset does. A sentinel member scored above any time
marks a timeline that exists but may be empty ("follows nobody yet" is not
"never built"); capping keeps the ``size`` newest articles and the sentinel.

Writers (fan-out, follow, unfollow) only add to timelines that exist: a
missing one is rebuilt from the databases on its next read, so pushing into
it would be wasted work, and creating it would hide everything else. A page
is read in one Lua call that also counts the entries tied with the cursor's
second, so a page never skips or repeats them; reading renews the TTL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from redis.asyncio import Redis

from shared.pagination import Position
from shared.redis import Keys

SENTINEL = "~"
SENTINEL_SCORE = 2**52
_FIRST_PAGE_MAX = f"({SENTINEL_SCORE}"

_ADD = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], unpack(ARGV, 2))
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 2))
return 1
"""

_PAGE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('EXPIRE', KEYS[1], ARGV[3])
local ties = redis.call('ZCOUNT', KEYS[1], ARGV[1], ARGV[1])
return redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], '(0', 'WITHSCORES',
                  'LIMIT', 0, ties + tonumber(ARGV[2]))
"""


def feed_order(entries: Iterable[Position]) -> list[Position]:
    """Entries in feed order: publication time, then id, both descending."""
    return sorted(entries, key=_order, reverse=True)


def _order(entry: Position) -> tuple[datetime, int]:
    return entry.created_at, entry.id


def score_of(published_at: datetime) -> int:
    return int(published_at.timestamp())


def _member(article_id: int) -> str:
    return f"{article_id:020d}"


class Timelines:
    def __init__(self, redis: Redis, keys: Keys, *, size: int, ttl: int) -> None:
        self._redis = redis
        self._keys = keys
        self.size = size
        self._ttl = ttl
        self._add = redis.register_script(_ADD)
        self._page = redis.register_script(_PAGE)

    def key(self, reader_id: int) -> str:
        return self._keys.key("timeline", reader_id)

    async def add(self, reader_ids: Iterable[int], entries: Sequence[Position]) -> None:
        """Add ``entries`` to each reader's timeline that exists, in one pipelined round trip."""
        if not entries:
            return
        args: list[int | str] = [self.size]
        for entry in entries:
            args += [score_of(entry.created_at), _member(entry.id)]
        async with self._redis.pipeline(transaction=False) as pipe:
            for reader in reader_ids:
                await self._add(keys=[self.key(reader)], args=args, client=pipe)
            await pipe.execute()

    async def remove(self, reader_ids: Iterable[int], article_ids: Sequence[int]) -> None:
        if not article_ids:
            return
        members = [_member(i) for i in article_ids]
        async with self._redis.pipeline(transaction=False) as pipe:
            for reader in reader_ids:
                pipe.zrem(self.key(reader), *members)
            await pipe.execute()

    async def replace(self, reader_id: int, entries: Sequence[Position]) -> None:
        """Make the reader's timeline exactly the ``size`` newest of ``entries``."""
        newest = feed_order(entries)[: self.size]
        mapping: dict[str, float] = {_member(e.id): score_of(e.created_at) for e in newest}
        mapping[SENTINEL] = SENTINEL_SCORE
        key = self.key(reader_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.zadd(key, mapping)
            pipe.expire(key, self._ttl)
            await pipe.execute()

    async def drop(self, reader_id: int) -> None:
        await self._redis.delete(self.key(reader_id))

    async def page(
        self, reader_id: int, after: Position | None, count: int
    ) -> list[Position] | None:
        """Up to ``count`` entries after the cursor, newest first; ``None`` if never built."""
        high = _FIRST_PAGE_MAX if after is None else str(score_of(after.created_at))
        reply = await self._page(keys=[self.key(reader_id)], args=[high, count, self._ttl])
        if reply is None:
            return None
        found: list[Position] = []
        for member, score in zip(reply[::2], reply[1::2], strict=True):
            entry = Position(datetime.fromtimestamp(int(float(score)), UTC), int(member))
            if after is None or _order(entry) < _order(after):
                found.append(entry)
        return found[:count]
