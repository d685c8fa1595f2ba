"""The supergraph in service, its plan cache, and hot reload from a watched file.

The file is polled (mtime and size): cheap, portable, and enough for a file
that changes on deploys. A new file is loaded and the recently used
operations are planned for it off the event loop; only then is the served
graph swapped, in one assignment, so a request sees either the old graph
with its plans or the new one with its plans. A file that does not load is
logged and the old graph stays.

An operation whose selections name ``@policy`` policies is planned twice at
most: first as if none were satisfied, which tells which it names; then,
when the policy evaluator finds some of them satisfied for the request, with
those (each plan cached under what decides it). Without an evaluator none
is satisfied, as in Apollo Router when nothing fills the policies in.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
from collections.abc import Callable
from pathlib import Path

from router.http.errors import SupergraphRejected
from router.http.front import FrontHalf, LoadedGraph
from router.http.override_labels import OverrideLabels
from router.http.plan_size import compact, estimated_bytes
from router.http.policy_evaluator import PolicyEvaluator
from router.prepare import CacheKey, OperationRejected, PlanCache, PlanningLimits, Prepared
from router.supergraph.authorization import ANONYMOUS, Access

log = logging.getLogger("router.http")


class LiveGraph:
    def __init__(
        self,
        front: FrontHalf,
        path: Path,
        *,
        cache_size: int,
        limits: PlanningLimits,
        cache_bytes: int,
        max_cached_operation_bytes: int,
        override_labels: frozenset[str] = frozenset(),
        on_swap: Callable[[LoadedGraph], None] | None = None,
        policy_evaluator: PolicyEvaluator | None = None,
    ) -> None:
        """``override_labels`` are the progressive-override labels the configuration switches on.

        Plans are cached within ``cache_size`` entries and ``cache_bytes``; an
        operation longer than ``max_cached_operation_bytes`` is planned every
        time (its plan would crowd out hundreds of ordinary ones).
        """
        self._front = front
        self._path = path
        self._limits = limits
        self._configured_labels = override_labels
        self._on_swap = on_swap
        self._policy_evaluator = policy_evaluator
        self.cache = PlanCache(cache_size, cache_bytes)
        self._max_cached_operation = max_cached_operation_bytes
        self._in_planning: dict[CacheKey, asyncio.Future[tuple[Prepared, int]]] = {}
        self._stamp = self._file_stamp()
        self.current = front.load(self._read())
        self._labels = OverrideLabels.of(self.current.override_labels, override_labels)

    async def prepare(
        self, query: str, operation_name: str | None, access: Access = ANONYMOUS
    ) -> tuple[LoadedGraph, Prepared]:
        """The served graph and the plan of what ``access`` may see, planned off the event loop on a miss."""
        graph, labels = self.current, self._labels
        rules = graph.authorization
        key = CacheKey(query, operation_name, graph.version, labels.roll(), rules.relevant(access))
        prepared = self.cache.get(key)
        if prepared is None:  # a hit needs no coroutine
            prepared = await self._planned(graph, key)
        if not prepared.policies or self._policy_evaluator is None:
            return graph, prepared
        satisfied = await self._policy_evaluator.satisfied(prepared.policies, access.claims)
        if not satisfied:
            return graph, prepared
        granted = rules.relevant(dataclasses.replace(access, policies=access.policies | satisfied))
        granted_key = key._replace(access=granted)
        prepared = self.cache.get(granted_key)
        if prepared is None:
            prepared = await self._planned(graph, granted_key)
        return graph, prepared

    async def _planned(self, graph: LoadedGraph, key: CacheKey) -> Prepared:
        """``key``'s plan, not in the cache: planned off the event loop, or awaited if it is being."""
        planning = self._in_planning.get(key)
        if planning is None:
            # One planning per operation at a time: a burst of the same new query plans once.
            planning = self._in_planning[key] = asyncio.ensure_future(
                asyncio.to_thread(self._prepare_sized, graph, key)
            )
            planning.add_done_callback(lambda done: self._settled(key, done))
        prepared, size = await asyncio.shield(planning)
        if size:
            self.cache.put(key, prepared, size)
        return prepared

    def _prepare_sized(self, graph: LoadedGraph, key: CacheKey) -> tuple[Prepared, int]:
        """The plan and its estimated size, 0 when it is not to be cached."""
        prepared = self._prepare(graph, key)
        if len(key.query) > self._max_cached_operation:
            return prepared, 0
        compact(prepared.document)
        return prepared, estimated_bytes(prepared)

    def _prepare(self, graph: LoadedGraph, key: CacheKey) -> Prepared:
        return self._front.prepare(
            graph,
            key.query,
            key.operation_name,
            limits=self._limits,
            override_labels=key.override_labels,
            access=key.access,
        )

    def _settled(self, key: CacheKey, done: asyncio.Future[tuple[Prepared, int]]) -> None:
        self._in_planning.pop(key, None)
        if not done.cancelled():
            done.exception()  # retrieved here: a rejected operation may have no waiter left

    async def reload_if_changed(self) -> bool:
        """Load the file if it changed since the last look; True when a new graph went live."""
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        try:
            graph = await asyncio.to_thread(self._front.load, self._read())
        except (SupergraphRejected, OSError, UnicodeDecodeError) as exc:
            log.error(
                "supergraph %s not loaded, keeping version %s: %s",
                self._path,
                self.current.version,
                exc,
            )
            return False
        if graph.version == self.current.version:
            return False
        old = self.current
        await asyncio.to_thread(self._warm, graph, self.cache.recent_keys(old.version))
        self.current = graph
        self._labels = OverrideLabels.of(graph.override_labels, self._configured_labels)
        self.cache.drop_version(old.version)
        if self._on_swap is not None:
            self._on_swap(graph)
        log.info("supergraph %s now serving version %s", self._path, graph.version)
        return True

    async def watch(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.reload_if_changed()
            except Exception:  # the watcher must outlive any one bad reload
                log.exception("supergraph reload failed")

    def _warm(self, graph: LoadedGraph, keys: list[CacheKey]) -> None:
        for old_key in keys:
            key = old_key._replace(
                version=graph.version,
                override_labels=old_key.override_labels & graph.override_labels,
                access=graph.authorization.relevant(old_key.access),
            )
            try:
                prepared, size = self._prepare_sized(graph, key)
            except OperationRejected:
                continue  # no longer valid against the new graph: it will answer so when asked
            self.cache.put(key, prepared, size)

    def _read(self) -> str:
        return self._path.read_text(encoding="utf-8")

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self._path)
        except OSError:
            return None
        return (stat.st_mtime_ns, stat.st_size)
