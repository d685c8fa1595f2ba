"""Fixed-window limits and cooldowns counted in Redis, reserved before the work they guard.

A window is one key holding a counter with a TTL. :meth:`RateLimiter.reserve`
is one Lua call over one or more windows: if any is full it counts nothing and
answers that window's remaining TTL (the honest ``retryAfter``); otherwise it
counts one event in every window. Reserving *before* the guarded work (an
Argon2 check, a code check) is what makes N parallel attempts count as N: a
check-then-record pair lets every attempt that arrives before the first
failure is recorded through. An attempt that turns out not to count (a
successful sign-in against a failures-only limit) is given back with
:meth:`RateLimiter.release`.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from shared.errors import RateLimited

# KEYS: the windows' counters; ARGV: limit and seconds of each window in turn.
# Returns {0, ttl, i} when window i is full (nothing counted), {1, 0, 0} when all counted.
_RESERVE = """
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('TTL', key)
    if ttl < 0 then ttl = tonumber(ARGV[2 * i]) end
    return {0, ttl, i}
  end
end
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 or redis.call('TTL', key) < 0 then redis.call('EXPIRE', key, ARGV[2 * i]) end
end
return {1, 0, 0}
"""

_RELEASE = """
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
"""


@dataclass(frozen=True, slots=True)
class Window:
    """At most ``limit`` events per ``seconds`` under ``key``; ``message`` says so to the client."""

    key: str
    limit: int
    seconds: int
    message: str


class RateLimiter:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._reserve = redis.register_script(_RESERVE)
        self._release = redis.register_script(_RELEASE)

    async def reserve(self, *windows: Window) -> None:
        """Count one event in every window, or in none and raise the first full one's
        :class:`RateLimited`."""
        args: list[int] = []
        for window in windows:
            args += [window.limit, window.seconds]
        granted, ttl, index = await self._reserve(keys=[w.key for w in windows], args=args)
        if not int(granted):
            raise RateLimited(windows[int(index) - 1].message, retry_after=int(ttl))

    async def release(self, *windows: Window) -> None:
        """Give back one reserved event in each window (never below zero)."""
        if windows:
            await self._release(keys=[w.key for w in windows], args=[])

    async def cooldown(self, key: str, *, seconds: int, message: str) -> None:
        """Allow one event per ``seconds``; raise :class:`RateLimited` inside the cooldown."""
        if not await self._redis.set(key, "1", ex=seconds, nx=True):
            raise RateLimited(message, retry_after=int(await self._redis.ttl(key)))

    async def reset(self, *keys: str) -> None:
        await self._redis.delete(*keys)
