"""The cache's Redis: one ``MGET`` per lookup, one pipeline of ``SET … EX`` per store.

A cache must never fail a query. Every call catches Redis and socket errors
and answers as a miss (or does nothing); the first error is logged, later
ones at most once a minute. After an error the store stays quiet for
``retry_after`` seconds (every call a miss at no cost), so a Redis that is
down or slow costs queries one timeout per interval, not one per fetch.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("router.cache")

_LOG_INTERVAL = 60.0


class CacheStore:
    def __init__(self, redis: Redis, *, retry_after: float = 1.0) -> None:
        self._redis = redis
        self._retry_after = retry_after
        self._quiet_until = 0.0
        self._warning = OccasionalWarning()

    async def get(self, keys: Sequence[str]) -> list[str | None] | None:
        """The values of ``keys`` (``None`` for each absent one); ``None`` when Redis failed."""
        if self._resting():
            return None
        try:
            values = await self._redis.mget(keys)
        except (RedisError, OSError) as exc:
            self._failed("lookup", exc)
            return None
        return [
            value if value is None or isinstance(value, str) else value.decode() for value in values
        ]

    async def put(self, entries: Sequence[tuple[str, str, int]]) -> None:
        """Store each ``(key, value, ttl seconds)``."""
        if self._resting():
            return
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key, value, ttl in entries:
                    pipe.set(key, value, ex=ttl)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            self._failed("store", exc)

    async def bump(self, keys: Sequence[str], ttl: int) -> bool:
        """Increment each version counter, keeping it ``ttl`` seconds; ``False`` when Redis failed.

        Invalidations are not skipped while the store rests: they are rare and must land.
        """
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.incr(key)
                    pipe.expire(key, ttl)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            self._failed("invalidation", exc)
            return False
        return True

    async def aclose(self) -> None:
        await self._redis.aclose()

    def _resting(self) -> bool:
        return self._quiet_until > 0 and time.monotonic() < self._quiet_until

    def _failed(self, what: str, exc: Exception) -> None:
        self._quiet_until = time.monotonic() + self._retry_after
        self._warning.warn("entity cache %s failed, answering from subgraphs: %s", what, exc)


class OccasionalWarning:
    """A warning logged the first time, then at most once a minute: an outage is one line a
    minute, not one per request."""

    def __init__(self) -> None:
        self._logged_at: float | None = None

    def warn(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if self._logged_at is None or now - self._logged_at >= _LOG_INTERVAL:
            self._logged_at = now
            log.warning(message, *args)
