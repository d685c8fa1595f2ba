"""A flash sale's state in Redis, and the Lua scripts that change it atomically.

Four keys per sale, all with the hash tag ``{sale:ID}`` so they live in one
hash slot and every script runs unchanged on Redis Cluster:

    …{sale:ID}:meta      hash: stock (units left), starts/ends (epoch ms), seq
    …{sale:ID}:buyers    hash: user id → "<request id> <order id>"
    …{sale:ID}:requests  stream of accepted requests: order, user, request
    …{sale:ID}:returned  set: closed orders whose unit ``stock`` already counts

``returned`` makes giving a unit back idempotent per order: the close path
adds its unit after its commit, and a load or repair from the database
(which already counts it) marks it returned, so a late give-back cannot
count the unit twice.

:data:`SECKILL` is the one call per entry request: window check on the
server's clock, one unit per member (a repeat of the same request id answers
the same order id), decrement, record the buyer, append the request, all at
once. ``seq`` counts every change to stock or buyers, which is how
:mod:`subgraphs.commerce.reconcile` knows nothing moved while it compared.
The database is the source of truth: a sale missing from Redis (first use, or
Redis lost it) is loaded from its rows with :data:`LOAD`, which does nothing
if another process loaded it first.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from redis.asyncio import Redis

from subgraphs.commerce.catalogue import FlashSaleId

# KEYS: meta, buyers, requests; ARGV: user, request id, order id.
# Returns {outcome, order id}: ACCEPTED (new or this request again), ALREADY (another
# request of this member), SOLD_OUT, NOT_STARTED, ENDED, UNLOADED.
SECKILL = """
local meta = redis.call('HMGET', KEYS[1], 'stock', 'starts', 'ends', 'expires')
if not meta[1] then return {'UNLOADED', ''} end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if now < tonumber(meta[2]) then return {'NOT_STARTED', ''} end
if now >= tonumber(meta[3]) then return {'ENDED', ''} end
local held = redis.call('HGET', KEYS[2], ARGV[1])
if held then
  local request, order = string.match(held, '^(.*) (%d+)$')
  if request == ARGV[2] then return {'ACCEPTED', order} end
  return {'ALREADY', order}
end
if tonumber(meta[1]) <= 0 then return {'SOLD_OUT', ''} end
redis.call('HINCRBY', KEYS[1], 'stock', -1)
redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
redis.call('XADD', KEYS[3], '*', 'order', ARGV[3], 'user', ARGV[1], 'request', ARGV[2])
redis.call('PEXPIREAT', KEYS[2], meta[4])
redis.call('PEXPIREAT', KEYS[3], meta[4])
return {'ACCEPTED', ARGV[3]}
"""

# Shared by LOAD and REPAIR: ARGV from position ``at`` holds a count n, n closed order ids
# (marked returned), a count m, m users to remove from buyers, then user/value pairs to set.
_APPLY = """
local function apply(at)
  local n = tonumber(ARGV[at])
  for i = at + 1, at + n do redis.call('SADD', KEYS[4], ARGV[i]) end
  at = at + n + 1
  local m = tonumber(ARGV[at])
  for i = at + 1, at + m do redis.call('HDEL', KEYS[2], ARGV[i]) end
  for i = at + m + 1, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
end
"""

# KEYS: meta, buyers, requests, returned; ARGV: stock, starts, ends, expire-at ms, then
# as _APPLY from 5.
LOAD = (
    _APPLY
    + """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'stock', ARGV[1], 'starts', ARGV[2], 'ends', ARGV[3],
  'expires', ARGV[4], 'seq', 0)
apply(5)
for i = 1, 4 do redis.call('PEXPIREAT', KEYS[i], ARGV[4]) end
return 1
"""
)

# KEYS: meta, returned; ARGV: the closed order. Its unit, counted once.
RETURN_UNIT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('PEXPIREAT', KEYS[2], redis.call('HGET', KEYS[1], 'expires'))
redis.call('HINCRBY', KEYS[1], 'stock', 1)
redis.call('HINCRBY', KEYS[1], 'seq', 1)
return 1
"""

# KEYS: meta, buyers, requests, returned; ARGV: seq seen, stock, then as _APPLY from 3.
# Does nothing (returns 0) when seq moved meanwhile.
REPAIR = (
    _APPLY
    + """
if redis.call('HGET', KEYS[1], 'seq') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'stock', ARGV[2])
apply(3)
local expires = redis.call('HGET', KEYS[1], 'expires')
for i = 2, 4 do redis.call('PEXPIREAT', KEYS[i], expires) end
redis.call('HINCRBY', KEYS[1], 'seq', 1)
return 1
"""
)

KEEP_AFTER_END_MS = 86_400_000
"""A sale's keys expire a day after it ends (``expires`` in its meta hash; every script that
creates one of its keys gives it that expiry)."""


@dataclass(frozen=True, slots=True)
class SaleKeys:
    meta: str
    buyers: str
    requests: str
    returned: str

    @classmethod
    def of(cls, prefix: str, sale_id: int) -> SaleKeys:
        base = f"{prefix}commerce:{{sale:{sale_id}}}:"
        return cls(base + "meta", base + "buyers", base + "requests", base + "returned")

    def entry(self) -> list[str]:
        """The keys of :data:`SECKILL`."""
        return [self.meta, self.buyers, self.requests]

    def all(self) -> list[str]:
        return [self.meta, self.buyers, self.requests, self.returned]


def _changes(
    returned: Sequence[int], remove: Sequence[str], add: Mapping[str, str] | Mapping[int, str]
) -> list[str | int]:
    args: list[str | int] = [len(returned), *returned, len(remove), *remove]
    for user, value in add.items():
        args += [user, value]
    return args


def sales_key(prefix: str) -> str:
    """Sale ids whose request streams the order consumer reads, scored by when their keys
    expire (the consumer drops a sale once they have)."""
    return f"{prefix}commerce:sales"


def buyer_value(request_id: str, order_id: int) -> str:
    return f"{request_id} {order_id}"


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


class SaleStore:
    """The scripts above, registered once on one client."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix
        self.seckill = redis.register_script(SECKILL)
        self._load = redis.register_script(LOAD)
        self._return_unit = redis.register_script(RETURN_UNIT)
        self._repair = redis.register_script(REPAIR)

    def keys(self, sale_id: FlashSaleId) -> SaleKeys:
        return SaleKeys.of(self.prefix, sale_id)

    async def live_sales(self) -> list[FlashSaleId]:
        """Sales whose keys have not expired; forget the others."""
        key, now = sales_key(self.prefix), int(time.time() * 1000)
        await self.redis.zremrangebyscore(key, "-inf", now)
        members = cast("list[str]", await self.redis.zrangebyscore(key, now, "+inf"))
        return [FlashSaleId(int(member)) for member in members]

    async def load(
        self,
        sale_id: FlashSaleId,
        *,
        stock: int,
        starts_at: datetime,
        ends_at: datetime,
        buyers: Mapping[int, str],
        returned: Sequence[int],
    ) -> bool:
        """Put the sale in Redis unless it is there already; register its stream for the consumer."""
        args: list[str | int] = [
            stock,
            epoch_ms(starts_at),
            epoch_ms(ends_at),
            epoch_ms(ends_at) + KEEP_AFTER_END_MS,
            *_changes(returned, (), buyers),
        ]
        loaded = await self._load(keys=self.keys(sale_id).all(), args=args)
        await self.redis.zadd(sales_key(self.prefix), {str(sale_id): args[3]})
        return bool(loaded)

    async def return_unit(self, sale_id: FlashSaleId, order_id: int) -> None:
        keys = self.keys(sale_id)
        await self._return_unit(keys=[keys.meta, keys.returned], args=[order_id])

    async def repair(
        self,
        sale_id: FlashSaleId,
        *,
        seq: str,
        stock: int,
        returned: Sequence[int],
        remove: Sequence[str],
        add: Mapping[str, str],
    ) -> bool:
        args = [seq, stock, *_changes(returned, remove, add)]
        return bool(await self._repair(keys=self.keys(sale_id).all(), args=args))
