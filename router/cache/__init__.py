"""The router's entity cache: subgraph answers per entity and root field, in Redis.

Modules, leaves first: :mod:`~router.cache.keys` (key derivation and version
counters), :mod:`~router.cache.policy` (TTL and scope from ``Cache-Control``),
:mod:`~router.cache.store` (Redis, never failing a query),
:mod:`~router.cache.reads` (lookups shared in flight, the stored form),
:mod:`~router.cache.request` (one request's lookups and stores),
:mod:`~router.cache.entity_cache` (the router's cache: coverage, privacy,
invalidation) and :mod:`~router.cache.invalidation` (the pub/sub listener).
The HTTP composition root builds it from the ``[entity_cache]`` settings.
The executor calls it only when it is on: with it off, a fetch pays one
``None`` check.
"""

from __future__ import annotations

from router.cache.entity_cache import EntityCache
from router.cache.keys import EntityKeys, KeySpace, entity_keys
from router.cache.policy import TtlPolicy
from router.cache.request import MISS, EntityLookup, RequestCache, RootLookup
from router.cache.store import CacheStore

__all__ = [
    "MISS",
    "CacheStore",
    "EntityCache",
    "EntityKeys",
    "EntityLookup",
    "KeySpace",
    "RequestCache",
    "RootLookup",
    "TtlPolicy",
    "entity_keys",
]
