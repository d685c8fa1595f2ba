"""Invalidation events from Redis pub/sub: ``{"subgraph": …, "type": …, "key": {…}}``.

A service that changed an entity publishes one event on the cache's channel
(``<key_prefix>invalidate``); every router listening bumps that entity's
version counter, which outdates all its entries at once (every selection,
every user). Without ``key`` the whole type is outdated (``"type": "Query"``:
the subgraph's cached root fields). The listener keeps its own connection,
with no read timeout, and reconnects a second after losing it (logging that
at most once a minute); events
published while it is away are lost, so entries live no longer than their TTL.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.exceptions import RedisError

from router.cache.entity_cache import EntityCache
from router.cache.store import OccasionalWarning

_RECONNECT_AFTER = 1.0


async def listen_for_invalidations(cache: EntityCache, redis_url: str) -> None:
    """Apply every event on the channel until cancelled."""
    redis = Redis.from_url(redis_url, decode_responses=True, health_check_interval=30)
    warning = OccasionalWarning()
    try:
        while True:
            try:
                async with redis.pubsub() as pubsub:
                    await pubsub.subscribe(cache.keys.channel)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            await cache.invalidate_event(message["data"])
            except (RedisError, OSError) as exc:
                warning.warn("entity cache invalidation listener lost Redis: %s", exc)
                await asyncio.sleep(_RECONNECT_AFTER)
    finally:
        await redis.aclose()
