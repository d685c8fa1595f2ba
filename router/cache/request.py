"""One request's use of the entity cache: look up before a fetch, store what came back.

An entity fetch looks up every representation with one ``MGET`` (entries,
then each entity's and each type's version counter); the executor sends only
the misses and hands their answers back with the subgraph's response headers
for :meth:`RequestCache.store_entities` (one pipeline of ``SET … EX``).
A root fetch is one entry under its selection. Counts of hits and misses per
fetch node are kept for the printed plan (:meth:`RequestCache.notes`).
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from router.cache.entity_cache import EntityCache
from router.cache.keys import (
    ROOT_TYPE,
    EntityKeys,
    digest,
    entity_identity,
    selection_digest,
)
from router.cache.reads import Stored, decoded, encoded
from router.plan import FetchNode, OperationKind

MISS: Any = object()
"""A representation the cache could not answer."""


@dataclass(frozen=True, slots=True)
class Served:
    """How fresh the hits of one lookup are: the first to expire (Unix seconds), any private."""

    expires: int
    private: bool

    def headers(self) -> tuple[tuple[str, str], ...]:
        """The ``Cache-Control`` the hits stand for in the client's answer, as a subgraph's
        would: their remaining age, and ``private`` if any is."""
        age = max(0, self.expires - int(time.time()))
        return (("cache-control", f"{'private' if self.private else 'public'}, max-age={age}"),)


@dataclass(frozen=True, slots=True)
class EntityLookup:
    """What one entity fetch found: ``hits[i]`` is representation ``i``'s entity or :data:`MISS`.

    Shared by the requests that looked it up together: never changed.
    """

    selection: str
    hits: list[Any]
    entities: list[tuple[str, str, Mapping[str, Any]]]  # (typename, entity digest, representation)
    versions: list[tuple[int, int]]  # (entity version, type version) as read
    served: Served | None  # None: no hits


@dataclass(frozen=True, slots=True)
class RootLookup:
    selection: str
    hit: Any
    version: int
    served: Served | None


class RequestCache:
    """``subject``: the verified token's subject, if any (ignored when private caching is off).

    ``reads`` false (a mutation): nothing is looked up or stored, since what follows
    a change must come from the subgraphs; the invalidations its answers name still apply.
    """

    __slots__ = ("_cache", "_entity_keys", "_reads", "_stats", "subject")

    def __init__(
        self,
        cache: EntityCache,
        entity_keys: EntityKeys,
        subject: str | None,
        *,
        reads: bool = True,
    ) -> None:
        self._cache = cache
        self._entity_keys = entity_keys
        self._reads = reads
        self._stats: dict[int, list[int]] = {}
        self.subject = subject if cache.private else None

    def covers(self, fetch: FetchNode) -> bool:
        """Queries only, never a fetch whose contextual arguments vary per entity."""
        return (
            self._reads
            and fetch.operation_kind is OperationKind.QUERY
            and not fetch.context_rewrites
            and self._cache.covers(fetch.service_name)
        )

    async def lookup_entities(
        self,
        fetch: FetchNode,
        representations: Sequence[Mapping[str, Any]],
        variables: Mapping[str, Any],
        shape: Hashable,
    ) -> EntityLookup | None:
        """``None``: not cacheable for this request (private without a subject), or Redis failed.

        ``shape`` is equal for equal lists of representations: concurrent equal lookups
        are one (:class:`~router.cache.reads.SharedLookups`).
        """
        scope = self._lookup_scope(fetch, variables)
        if scope is None:
            return None
        selection, subject = scope
        service = fetch.service_name
        lookup = await self._cache.lookups.share(
            (service, selection, subject, shape),
            lambda: self._read_entities(service, selection, subject, representations),
        )
        if lookup is not None:
            misses = sum(1 for hit in lookup.hits if hit is MISS)
            self._count(fetch, len(lookup.hits) - misses, misses)
        return lookup

    async def _read_entities(
        self,
        service: str,
        selection: str,
        subject: str | None,
        representations: Sequence[Mapping[str, Any]],
    ) -> EntityLookup | None:
        keys = self._cache.keys
        entities = []
        entries: list[str] = []
        counters: list[str] = []
        type_counters: dict[str, str] = {}
        for representation in representations:
            typename = str(representation.get("__typename"))
            entity = digest(
                entity_identity(representation, self._entity_keys.get((service, typename), ()))
            )
            entities.append((typename, entity, representation))
            entries.append(
                keys.entity_entry(service, typename, entity, representation, selection, subject)
            )
            counters.append(keys.entity_version_of(service, typename, entity))
            type_counters.setdefault(typename, keys.type_version(service, typename))
        values = await self._cache.store.get([*entries, *counters, *type_counters.values()])
        if values is None:
            return None
        stored, versions = decoded(values, len(entries))
        type_version = dict(zip(type_counters, versions[len(entries) :], strict=True))
        expected = [
            (versions[i], type_version[typename]) for i, (typename, _, _) in enumerate(entities)
        ]
        valid = [_valid(entry, read) for entry, read in zip(stored, expected, strict=True)]
        hits = [MISS if entry is None else entry[4] for entry in valid]
        return EntityLookup(selection, hits, entities, expected, _served(valid))

    async def store_entities(
        self,
        fetch: FetchNode,
        lookup: EntityLookup,
        answered: Iterable[tuple[int, Any]],
        headers: Iterable[tuple[str, str]],
    ) -> None:
        """Store each ``(representation index, entity)`` the subgraph answered without errors."""
        scope = self._scope_to_store(fetch.service_name, lookup.selection, headers)
        if scope is None:
            return
        subject, ttl = scope
        service, keys = fetch.service_name, self._cache.keys
        expires, private = int(time.time()) + ttl, subject is not None
        entries = []
        for index, answer in answered:
            if not isinstance(answer, dict):
                continue
            typename, entity, representation = lookup.entities[index]
            key = keys.entity_entry(
                service, typename, entity, representation, lookup.selection, subject
            )
            entries.append((key, encoded(lookup.versions[index], expires, private, answer), ttl))
        if entries:
            await self._cache.store.put(entries)

    async def lookup_root(
        self, fetch: FetchNode, variables: Mapping[str, Any]
    ) -> RootLookup | None:
        scope = self._lookup_scope(fetch, variables)
        if scope is None:
            return None
        selection, subject = scope
        service = fetch.service_name
        lookup = await self._cache.lookups.share(
            (service, selection, subject),
            lambda: self._read_root(service, selection, subject),
        )
        if lookup is not None:
            self._count(fetch, int(lookup.hit is not MISS), int(lookup.hit is MISS))
        return lookup

    async def _read_root(
        self, service: str, selection: str, subject: str | None
    ) -> RootLookup | None:
        keys = self._cache.keys
        values = await self._cache.store.get(
            [keys.root_entry(service, selection, subject), keys.type_version(service, ROOT_TYPE)]
        )
        if values is None:
            return None
        (stored,), (version,) = decoded(values, 1)
        valid = _valid(stored, (0, version))
        return RootLookup(selection, MISS if valid is None else valid[4], version, _served([valid]))

    async def store_root(
        self,
        fetch: FetchNode,
        lookup: RootLookup,
        data: dict[str, Any],
        headers: Iterable[tuple[str, str]],
    ) -> None:
        scope = self._scope_to_store(fetch.service_name, lookup.selection, headers)
        if scope is None:
            return
        subject, ttl = scope
        key = self._cache.keys.root_entry(fetch.service_name, lookup.selection, subject)
        stored = encoded((0, lookup.version), int(time.time()) + ttl, subject is not None, data)
        await self._cache.store.put([(key, stored, ttl)])

    async def invalidate_named(self, service_name: str, extensions: Mapping[str, Any]) -> None:
        await self._cache.invalidate_named(service_name, extensions)

    def notes(self) -> dict[int, str]:
        """Per fetch node (by ``id``), how the cache answered it, as the printed plan shows it."""
        return {
            fetch_id: f'# cache: {{"hits": {hits}, "misses": {misses}}}'
            for fetch_id, (hits, misses) in self._stats.items()
        }

    def _count(self, fetch: FetchNode, hits: int, misses: int) -> None:
        counts = self._stats.setdefault(id(fetch), [0, 0])
        counts[0] += hits
        counts[1] += misses

    def _lookup_scope(
        self, fetch: FetchNode, variables: Mapping[str, Any]
    ) -> tuple[str, str | None] | None:
        """The fetch's selection and the subject to look it up for (``None``: shared);
        ``None`` when private answers cannot be read (no verified subject)."""
        selection = selection_digest(fetch.operation, variables)
        if not self._cache.is_private(fetch.service_name, selection):
            return selection, None
        return None if self.subject is None else (selection, self.subject)

    def _scope_to_store(
        self, service: str, selection: str, headers: Iterable[tuple[str, str]]
    ) -> tuple[str | None, int] | None:
        """Under which subject (``None``: shared) and for how long to store; ``None``: do not."""
        freshness = self._cache.policy.freshness(headers)
        if freshness is None:
            return None
        private = freshness.private or self._cache.is_private(service, selection)
        if not private:
            return None, freshness.ttl
        self._cache.learn_private(service, selection)
        return None if self.subject is None else (self.subject, freshness.ttl)


def _valid(stored: Stored | None, expected: tuple[int, int]) -> Stored | None:
    """The entry while the versions it was stored under still hold."""
    if stored is None or (stored[0], stored[1]) != expected:
        return None
    return stored


def _served(valid: list[Stored | None]) -> Served | None:
    hits = [entry for entry in valid if entry is not None]
    if not hits:
        return None
    return Served(min(entry[2] for entry in hits), any(entry[3] for entry in hits))
