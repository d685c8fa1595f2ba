"""Cache-aside for hot entities, with single-flight loading.

Read path: ``MGET`` the keys → for misses, load from the source of truth, one
load per key at a time in this process (concurrent callers for a key already
loading await the same future) and all misses of one call in one batch → store
found values with a jittered TTL so keys written together do not expire
together, and a short "not found" marker for ids that do not exist. Write path:
delete the key after the write commits (:meth:`CacheAside.invalidate_after_commit`),
on create as well as on update: ids are sequential, so a client can probe the
next id before it exists and leave a "not found" marker that the create must
clear.

Invalidation closes the read-old-write-new race: a reader that missed and
read the row just before a writer changed it must not store that old row
after the writer's delete. So invalidating does not delete the key but sets
a short-lived marker unique to that invalidation (``settle`` seconds), and a
loader stores only if the key still holds what it saw when it missed (one
compare-and-set script): the late reader saw no entry, finds the marker, and
its stale value is refused; the first reader that missed on the marker read
the source after the write, and its store puts the entry back at once. A
version check, in effect, with the marker as the version.

Redis is an optimisation here, never a dependency: any Redis error is logged
and the call falls through to the loader.

:class:`EntityCache` is the typed face services use: it caches frozen
dataclasses through :class:`~shared.codec.DataclassCodec`, so no service
writes its own ``to_cache``/``from_cache``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import Any, Generic, TypeVar

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.codec import DataclassCodec
from shared.db import after_commit
from shared.telemetry.metrics import CACHE

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Loader = Callable[[list[K]], Awaitable[Mapping[K, dict[str, Any]]]]
EntityLoader = Callable[[list[K]], Awaitable[Mapping[K, V]]]

_NOT_FOUND = "\x00"
_INVALIDATED = "\x01"  # prefix of the marker; a random suffix makes each one unique

# Store ARGV[2] for ARGV[3] ms only if the key holds ARGV[1] ('' for no entry).
_STORE_IF_UNCHANGED = """
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""


class CacheAside(Generic[K]):
    def __init__(
        self,
        redis: Redis,
        namespace: str,
        *,
        ttl: float = 300.0,
        jitter: float = 0.1,
        not_found_ttl: float = 30.0,
        version: str = "",
        settle: float = 2.0,
    ) -> None:
        self._redis = redis
        self._namespace = namespace
        self._ttl = ttl
        self._jitter = jitter
        self._not_found_ttl = not_found_ttl
        self._settle = settle
        self._store_if_unchanged = redis.register_script(_STORE_IF_UNCHANGED)
        self._in_flight: dict[K, asyncio.Future[dict[str, Any] | None]] = {}
        # Metrics name the cache without the deployment's key prefix: "<service>:<entity>".
        label = ":".join(namespace.split(":")[-2:])
        # Keys of another ``version`` (an entity of another shape) are never read.
        self._namespace = f"{namespace}:{version}" if version else namespace
        self._hits, self._misses, self._joins = (
            CACHE.labels(label, result) for result in ("hit", "miss", "joined")
        )

    def key(self, item: K) -> str:
        return f"{self._namespace}:{item}"

    async def get(self, item: K, load: Loader[K]) -> dict[str, Any] | None:
        return (await self.get_many([item], load))[item]

    async def get_many(self, items: Iterable[K], load: Loader[K]) -> dict[K, dict[str, Any] | None]:
        wanted = list(dict.fromkeys(items))
        # Claim the keys nobody is fetching before the first await, so every caller
        # that arrives while this fetch runs waits for it instead of racing it.
        waiting = {item: self._in_flight[item] for item in wanted if item in self._in_flight}
        mine = [item for item in wanted if item not in waiting]
        loop = asyncio.get_running_loop()
        futures = {item: loop.create_future() for item in mine}
        self._in_flight.update(futures)
        if waiting:
            self._joins.inc(len(waiting))
        found: dict[K, dict[str, Any] | None] = {}
        try:
            if mine:
                found = await self._fetch(mine, load)
                for item in mine:
                    futures[item].set_result(found[item])
        except BaseException as exc:
            for future in futures.values():
                if not future.done():
                    future.set_exception(exc)
                    future.exception()  # retrieved here; waiters re-raise it
            raise
        finally:
            for item in mine:
                self._in_flight.pop(item, None)
        for item, future in waiting.items():
            found[item] = await future
        return {item: found[item] for item in wanted}

    async def invalidate(self, *items: K) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for item in items:
                    marker = _INVALIDATED + secrets.token_hex(8)
                    pipe.set(self.key(item), marker, px=int(self._settle * 1000))
                await pipe.execute()
        except RedisError:
            log.warning("cache delete failed for %s; entries expire by TTL", self._namespace)

    def invalidate_after_commit(self, session: AsyncSession, *items: K) -> None:
        """Delete the entries of ``items`` once ``session`` commits (created or changed rows)."""
        after_commit(session, lambda: self.invalidate(*items))

    async def _fetch(self, items: list[K], load: Loader[K]) -> dict[K, dict[str, Any] | None]:
        """Read ``items`` from Redis; load the misses in one call and store them."""
        found: dict[K, dict[str, Any] | None] = {}
        seen: dict[K, str] = {}  # what each missing key held: '' or an invalidation marker
        for item, raw in zip(items, await self._read(items), strict=True):
            if raw is None or raw.startswith(_INVALIDATED):
                seen[item] = raw or ""
            else:
                found[item] = None if raw == _NOT_FOUND else orjson.loads(raw)
        self._hits.inc(len(found))
        self._misses.inc(len(seen))
        if seen:
            loaded = await load(list(seen))
            values = {item: loaded.get(item) for item in seen}
            await self._store(values, seen)
            found.update(values)
        return found

    async def _read(self, items: list[K]) -> list[str | None]:
        try:
            values = await self._redis.mget([self.key(i) for i in items])
        except RedisError:
            log.warning("cache read failed for %s; loading from the source", self._namespace)
            return [None] * len(items)
        return [None if v is None else str(v) for v in values]

    async def _store(
        self, values: Mapping[K, dict[str, Any] | None], seen: Mapping[K, str]
    ) -> None:
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for item, value in values.items():
                    if value is None:
                        encoded, ttl = _NOT_FOUND, self._not_found_ttl
                    else:
                        encoded = orjson.dumps(value).decode()
                        ttl = self._ttl * (1 + random.uniform(-self._jitter, self._jitter))
                    await self._store_if_unchanged(
                        keys=[self.key(item)],
                        args=[seen[item], encoded, int(ttl * 1000)],
                        client=pipe,
                    )
                await pipe.execute()
        except RedisError:
            log.warning("cache write failed for %s", self._namespace)


class EntityCache(Generic[K, V]):
    """Cache-aside for the dataclass ``V`` by key ``K``: ``get_many`` answers ``V`` or ``None``."""

    def __init__(self, redis: Redis, namespace: str, entity: type[V], **options: float) -> None:
        self._codec = DataclassCodec(entity)
        # A deploy that adds a field reads none of the entries the previous code wrote.
        self._cache = CacheAside[K](redis, namespace, version=self._codec.shape, **options)

    async def get_many(self, items: Iterable[K], load: EntityLoader[K, V]) -> dict[K, V | None]:
        async def load_encoded(missing: list[K]) -> dict[K, dict[str, Any]]:
            found = await load(missing)
            return {item: self._codec.encode(value) for item, value in found.items()}

        cached = await self._cache.get_many(items, load_encoded)
        return {
            item: None if data is None else self._codec.decode(data)
            for item, data in cached.items()
        }

    async def invalidate(self, *items: K) -> None:
        await self._cache.invalidate(*items)

    def invalidate_after_commit(self, session: AsyncSession, *items: K) -> None:
        self._cache.invalidate_after_commit(session, *items)
