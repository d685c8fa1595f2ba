"""Prepared operations kept per operation text and name, supergraph version, override labels and access.

The access is the request's authorization state reduced to what the
supergraph's requirements can tell apart (authenticated or not, the scopes
it names), so requests that see the same fields share a plan.

An LRU bounded in entries and in bytes (each plan's estimated size, given
by the caller): the least recently used plans go until both fit, and a plan
larger than the whole budget is not kept. When a new supergraph is loaded, the operations seen most
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
    def __init__(self, capacity: int, max_bytes: int) -> None:
        self._capacity = capacity
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[CacheKey, tuple[Prepared, int]] = OrderedDict()

    def get(self, key: CacheKey) -> Prepared | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: CacheKey, entry: Prepared, size: int) -> None:
        """Keep ``entry`` (``size`` bytes, estimated), evicting the least recently used to fit."""
        if size > self.max_bytes:
            return
        self._remove(key)
        self._entries[key] = (entry, size)
        self.bytes += size
        while len(self._entries) > self._capacity or self.bytes > self.max_bytes:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.bytes -= evicted

    def _remove(self, key: CacheKey) -> None:
        removed = self._entries.pop(key, None)
        if removed is not None:
            self.bytes -= removed[1]

    def recent_keys(self, version: str) -> list[CacheKey]:
        """Keys cached for ``version``, most recently used last."""
        return [key for key in self._entries if key.version == version]

    def drop_version(self, version: str) -> None:
        for key in [k for k in self._entries if k.version == version]:
            self._remove(key)

    def __len__(self) -> int:
        return len(self._entries)
