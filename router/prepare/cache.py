"""Prepared operations kept per operation text and name, supergraph version, override labels and access.

The access is the request's authorization state reduced to what the
supergraph's requirements can tell apart (authenticated or not, the scopes
it names), so requests that see the same fields share a plan.

A bounded LRU. When a new supergraph is loaded, the operations seen most
recently are planned again for it before it goes live (re-warming), so the
first requests after a reload do not all pay for planning.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

from router.prepare.prepared import Prepared
from router.supergraph.authorization import ANONYMOUS, Access


class CacheKey(NamedTuple):
    query: str
    operation_name: str | None
    version: str
    override_labels: frozenset[str] = frozenset()
    access: Access = ANONYMOUS


class PlanCache:
    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[CacheKey, Prepared] = OrderedDict()

    def get(self, key: CacheKey) -> Prepared | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: CacheKey, entry: Prepared) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def recent_keys(self, version: str) -> list[CacheKey]:
        """Keys cached for ``version``, most recently used last."""
        return [key for key in self._entries if key.version == version]

    def drop_version(self, version: str) -> None:
        for key in [k for k in self._entries if k.version == version]:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
