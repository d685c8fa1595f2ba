"""Fixed-window limits and cooldowns counted in Redis.

A window is one key holding a counter with a TTL: the first hit sets the TTL,
later hits only increment, so the check is one atomic Lua call. When the limit
is exceeded the remaining TTL is the honest ``retryAfter``.
"""

from __future__ import annotations

from redis.asyncio import Redis

from shared.errors import RateLimited

_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
if ttl < 0 then redis.call('EXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
"""

_PEEK = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('TTL', KEYS[1])
return {count, ttl}
"""


class RateLimiter:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._hit = redis.register_script(_HIT)
        self._peek = redis.register_script(_PEEK)

    async def record(self, key: str, *, window: int) -> tuple[int, int]:
        """Count one event in the ``window``-second window; return (count, seconds left)."""
        count, ttl = await self._hit(keys=[key], args=[window])
        return int(count), int(ttl)

    async def hit(self, key: str, *, limit: int, window: int, message: str) -> None:
        """Count one event; raise :class:`RateLimited` once ``limit`` is exceeded in ``window`` s."""
        count, ttl = await self.record(key, window=window)
        if count > limit:
            raise RateLimited(message, retry_after=ttl)

    async def check(self, key: str, *, limit: int, message: str) -> None:
        """Raise :class:`RateLimited` if ``key`` already reached ``limit``, without counting."""
        count, ttl = await self._peek(keys=[key], args=[])
        if int(count) >= limit:
            raise RateLimited(message, retry_after=int(ttl))

    async def cooldown(self, key: str, *, seconds: int, message: str) -> None:
        """Allow one event per ``seconds``; raise :class:`RateLimited` inside the cooldown."""
        if not await self._redis.set(key, "1", ex=seconds, nx=True):
            raise RateLimited(message, retry_after=int(await self._redis.ttl(key)))

    async def reset(self, *keys: str) -> None:
        await self._redis.delete(*keys)
