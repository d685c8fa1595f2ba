"""Lookups shared in flight: concurrent requests asking for the same keys share one ``MGET``.

As :class:`~router.transport.DedupTransport` does for subgraph requests, and
for the same reason: under load, identical operations arrive together, and
without sharing each would send its own round trip and decode its own copy
of every entry. A lookup waits one turn of the event loop so that those
woken with it can join. Every sharer reads the same decoded entries; the
executor never changes what it merges (its tree copies on write), so nothing
is copied here. A shared read is forgotten as soon as it settles: this is
not a second cache.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from router.cache.store import CacheStore

Stored = tuple[int, int, Any]
"""An entry as stored: the entity's and the type's versions when it was written, then the data."""


class SharedReads:
    def __init__(self, store: CacheStore) -> None:
        self._store = store
        self._in_flight: dict[tuple[str, ...], asyncio.Future[_Read | None]] = {}

    async def read(
        self, entries: list[str], versions: list[str]
    ) -> tuple[list[Stored | None], list[int]] | None:
        """The decoded ``entries`` and ``versions`` (0 for an absent counter); ``None`` when
        Redis failed."""
        key = (*entries, *versions)
        shared = self._in_flight.get(key)
        if shared is not None:
            return await asyncio.shield(shared)
        future: asyncio.Future[_Read | None] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            await asyncio.sleep(0)  # one loop turn for the lookups woken with this one
            values = await self._store.get(key)
            read = None if values is None else _decoded(values, len(entries))
        except asyncio.CancelledError:
            future.cancel()
            raise
        else:
            future.set_result(read)
            return read
        finally:
            del self._in_flight[key]


_Read = tuple[list[Stored | None], list[int]]


def _decoded(values: list[str | None], entries: int) -> _Read:
    return [_stored(value) for value in values[:entries]], [
        int(value) if value else 0 for value in values[entries:]
    ]


def _stored(value: str | None) -> Stored | None:
    if value is None:
        return None
    try:
        entity_version, type_version, data = orjson.loads(value)
    except (orjson.JSONDecodeError, ValueError, TypeError):
        return None
    return entity_version, type_version, data


def encoded(versions: tuple[int, int], data: Any) -> str:
    """An entry's stored form (what :class:`SharedReads` decodes)."""
    return orjson.dumps([versions[0], versions[1], data]).decode()
