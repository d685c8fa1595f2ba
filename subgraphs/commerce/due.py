"""The delayed queue: a Redis sorted set of ids scored by due time (order deadlines,
refund retries).

Why a sorted set: Redis is already there and shared by every replica,
``ZADD`` schedules in O(log n), and "what is due" is one range read; there is
no broker to run, and a deadline moved or cancelled is one more ``ZADD`` or
``ZREM``. Why not only the database: polling ``orders`` by ``due_at`` every
second from every replica costs an index scan per poll for nothing most of
the time; the worker still does that sweep, but once a minute, as the
backstop for a deadline that never reached Redis (the process died between
commit and ``ZADD``, or Redis lost its data).

Claiming is a lease: :data:`CLAIM` moves due members' scores ``lease``
seconds ahead atomically, so two workers never take the same order at once,
and an order whose worker died becomes due again when the lease runs out.
A member is removed (:meth:`DueQueue.done`) only after its work committed.
Acting on an order is itself safe to repeat: the transition is conditional.
"""

from __future__ import annotations

import time
from datetime import datetime

from redis.asyncio import Redis

# KEYS: the set; ARGV: now (ms), lease (ms), how many. Returns the claimed members.
CLAIM = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), member)
end
return due
"""


class DueQueue:
    """One sorted set at ``key``: ``…commerce:due`` (orders), ``…commerce:refunds`` (payments)."""

    def __init__(self, redis: Redis, key: str) -> None:
        self._redis = redis
        self.key = key
        self._claim = redis.register_script(CLAIM)

    async def schedule(self, member: int, due_at: datetime) -> None:
        await self._redis.zadd(self.key, {str(member): int(due_at.timestamp() * 1000)})

    async def claim(self, *, lease: float, limit: int) -> list[int]:
        now = int(time.time() * 1000)
        members = await self._claim(keys=[self.key], args=[now, int(lease * 1000), limit])
        return [int(member) for member in members]

    async def done(self, member: int) -> None:
        await self._redis.zrem(self.key, str(member))
