"""The router's entity cache: which subgraphs it covers, its store, its TTL policy, invalidation.

One :class:`EntityCache` per router. Each request that may use it gets a
:class:`~router.cache.request.RequestCache` holding the verified token's subject, the served graph's entity keys and the
per-fetch hit counts that ``Beyond-Query-Plan`` shows.

Private answers: a fetch's selection is not known to be private until a
subgraph says so (``Cache-Control: private``). The cache remembers, per
subgraph and selection, that it was once (as Apollo Router does), and from then on
looks it up and stores it only under the asking user's subject; a request
without a verified subject neither reads nor writes it. Private data is never
written under a shared key, so no lookup of another user can find it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from router.cache.keys import ROOT_TYPE, KeySpace
from router.cache.policy import TtlPolicy
from router.cache.reads import SharedLookups
from router.cache.store import CacheStore

_VERSION_MARGIN = 60
"""Seconds a version counter outlives the longest entry it may have to outdate."""
_MAX_PRIVATE_SELECTIONS = 10_000


class EntityCache:
    def __init__(
        self,
        store: CacheStore,
        *,
        keys: KeySpace,
        policy: TtlPolicy,
        excluded: frozenset[str] = frozenset(),
        private: bool = True,
    ) -> None:
        self.store = store
        self.lookups = SharedLookups()
        self.keys = keys
        self.policy = policy
        self.private = private
        self._excluded = excluded
        self._private_selections: set[tuple[str, str]] = set()

    def covers(self, service_name: str) -> bool:
        return service_name not in self._excluded

    def is_private(self, service_name: str, selection: str) -> bool:
        return (service_name, selection) in self._private_selections

    def learn_private(self, service_name: str, selection: str) -> None:
        """Remember that the subgraph answered this selection privately (for good: a
        selection private for some callers must not be read from a shared entry by others)."""
        if len(self._private_selections) >= _MAX_PRIVATE_SELECTIONS:
            self._private_selections.clear()  # relearned on the next private answer
        self._private_selections.add((service_name, selection))

    async def invalidate(self, events: list[tuple[str, str, Any]]) -> bool:
        """Outdate every entry of each ``(subgraph, type, key)``; a ``None`` key: the whole type.

        ``False`` when Redis could not be told.
        """
        versions = [
            self.keys.type_version(subgraph, typename)
            if key is None
            else self.keys.entity_version(subgraph, typename, key)
            for subgraph, typename, key in events
        ]
        if not versions:
            return True
        return await self.store.bump(versions, self.policy.max_ttl + _VERSION_MARGIN)

    async def invalidate_event(self, message: str | bytes) -> bool:
        """Apply one pub/sub event, ``{"subgraph": …, "type": …, "key": {…}}`` (key optional)."""
        try:
            event = orjson.loads(message)
        except orjson.JSONDecodeError:
            return False
        parsed = _event(event, None)
        return parsed is not None and await self.invalidate([parsed])

    async def invalidate_named(self, service_name: str, extensions: Mapping[str, Any]) -> None:
        """Apply the entities a subgraph response names in ``extensions.invalidation``."""
        named = extensions.get("invalidation")
        if not isinstance(named, list):
            return
        events = [e for e in (_event(item, service_name) for item in named) if e is not None]
        await self.invalidate(events)

    async def aclose(self) -> None:
        await self.store.aclose()


def _event(item: Any, service_name: str | None) -> tuple[str, str, Any] | None:
    if not isinstance(item, dict):
        return None
    subgraph = service_name or item.get("subgraph")
    typename, key = item.get("type"), item.get("key")
    if not isinstance(subgraph, str) or not isinstance(typename, str):
        return None
    if key is not None and not isinstance(key, dict):
        return None
    if typename == ROOT_TYPE:
        key = None
    return subgraph, typename, key
