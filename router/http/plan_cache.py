"""Prepared plans kept per (operation text, operation name, supergraph version).

A bounded LRU. When a new supergraph is loaded, the operations seen most
recently are planned again for it before it goes live (re-warming), so the
first requests after a reload do not all pay for planning.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from graphql import DocumentNode, OperationType

from router.plan import QueryPlan

CacheKey = tuple[str, str | None, str]


@dataclass(frozen=True, slots=True)
class PreparedPlan:
    """A validated client operation and its plan; the document is the client's own."""

    document: DocumentNode
    operation_type: OperationType
    plan: QueryPlan


class PlanCache:
    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[CacheKey, PreparedPlan] = OrderedDict()

    def get(self, query: str, operation_name: str | None, version: str) -> PreparedPlan | None:
        key = (query, operation_name, version)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(
        self, query: str, operation_name: str | None, version: str, entry: PreparedPlan
    ) -> None:
        key = (query, operation_name, version)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def recent_operations(self, version: str) -> list[tuple[str, str | None]]:
        """Operations cached for ``version``, most recently used last."""
        return [(q, name) for (q, name, v) in self._entries if v == version]

    def drop_version(self, version: str) -> None:
        for key in [k for k in self._entries if k[2] == version]:
            del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)
