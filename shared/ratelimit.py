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

Redis down is a degraded mode, not an open door: a call that fails with a
Redis error is answered from :class:`~shared.ratelimit_local.LocalWindows`,
the same windows counted in this process (so with N replicas an attacker
gets at most N times the limit). The limiter says so in the log, in
``beyond_ratelimit_local{service}`` (1 while counting locally) and
``beyond_ratelimit_local_decisions_total``, and in ``/ready`` (the Redis
degraded mode). The first call after Redis answers again goes back to it;
what was counted locally is not carried over.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.errors import RateLimited
from shared.ratelimit_local import LocalWindows
from shared.telemetry.metrics import RATELIMIT_LOCAL, RATELIMIT_LOCAL_DECISIONS

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Window:
    """At most ``limit`` events per ``seconds`` under ``key``; ``message`` says so to the client."""

    key: str
    limit: int
    seconds: int
    message: str


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


class RateLimiter:
    def __init__(
        self, redis: Redis, *, service: str = "", local: LocalWindows | None = None
    ) -> None:
        self._redis = redis
        self._reserve = redis.register_script(_RESERVE)
        self._release = redis.register_script(_RELEASE)
        self._service = service
        self._local = local or LocalWindows()
        self.counting_locally = False
        """Whether the last call was answered from this process's counters (Redis down)."""

    async def _either(self, remote: Callable[[], Awaitable[T]], local: Callable[[], T]) -> T:
        try:
            answer = await remote()
        except (RedisError, OSError) as error:
            self._switch(True, error)
            RATELIMIT_LOCAL_DECISIONS.labels(self._service).inc()
            return local()
        self._switch(False, None)
        return answer

    def _switch(self, local: bool, error: Exception | None) -> None:
        if local == self.counting_locally:
            return
        self.counting_locally = local
        RATELIMIT_LOCAL.labels(self._service).set(1 if local else 0)
        if local:
            log.warning("redis unavailable (%s): rate limits counted in this process", error)
        else:
            log.warning("redis back: rate limits counted in redis again")

    async def reserve(self, *windows: Window) -> None:
        """Count one event in every window, or in none and raise the first full one's
        :class:`RateLimited`."""
        args: list[int] = []
        for window in windows:
            args += [window.limit, window.seconds]

        async def remote() -> tuple[int, int, int]:
            granted, ttl, index = await self._reserve(keys=[w.key for w in windows], args=args)
            return int(granted), int(ttl), int(index)

        def local() -> tuple[int, int, int]:
            return self._local.reserve([(w.key, w.limit, w.seconds) for w in windows])

        granted, ttl, index = await self._either(remote, local)
        if not granted:
            raise RateLimited(windows[index - 1].message, retry_after=ttl)

    async def release(self, *windows: Window) -> None:
        """Give back one reserved event in each window (never below zero)."""
        if windows:
            keys = [w.key for w in windows]

            async def remote() -> None:
                await self._release(keys=keys, args=[])

            await self._either(remote, lambda: self._local.release(keys))

    async def cooldown(self, key: str, *, seconds: int, message: str) -> None:
        """Allow one event per ``seconds``; raise :class:`RateLimited` inside the cooldown."""

        async def remote() -> int:
            if await self._redis.set(key, "1", ex=seconds, nx=True):
                return 0
            return max(1, int(await self._redis.ttl(key)))

        wait = await self._either(remote, lambda: self._local.cooldown(key, seconds))
        if wait:
            raise RateLimited(message, retry_after=wait)

    async def reset(self, *keys: str) -> None:
        async def remote() -> None:
            await self._redis.delete(*keys)

        await self._either(remote, lambda: self._local.reset(keys))
