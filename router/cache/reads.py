"""Lookups shared in flight, and the stored form of an entry.

As :class:`~router.transport.DedupTransport` does for subgraph requests, and
for the same reason: under load, identical operations arrive together, and
without sharing each would derive the same keys, send its own ``MGET`` and
decode its own copy of every entry. :meth:`SharedLookups.share` runs one
lookup for all concurrent callers with the same key, after waiting one turn
of the event loop so that those woken with the first can join. Every sharer
gets the same decoded entries; the executor never changes what it merges
(its tree copies on write), so nothing is copied here. A shared lookup is
forgotten as soon as it settles: this is not a second cache.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

import orjson

T = TypeVar("T")

Stored = tuple[int, int, int, bool, Any]
"""An entry as stored: the entity's and the type's versions when it was written, when it
expires (Unix seconds), whether it is private, then the data."""


class SharedLookups:
    def __init__(self) -> None:
        self._in_flight: dict[Hashable, asyncio.Future[Any]] = {}

    async def share(self, key: Hashable, lookup: Callable[[], Awaitable[T]]) -> T:
        """``lookup()``'s result, run once for every concurrent caller with ``key``.

        ``lookup`` must not raise: a cache answers a failure as a miss.
        """
        shared = self._in_flight.get(key)
        if shared is not None:
            found: T = await asyncio.shield(shared)
            return found
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            await asyncio.sleep(0)  # one loop turn for the lookups woken with this one
            result = await lookup()
        except asyncio.CancelledError:
            future.cancel()
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._in_flight[key]


def decoded(values: list[str | None], entries: int) -> tuple[list[Stored | None], list[int]]:
    """An ``MGET`` of ``entries`` entries then version counters, decoded (a counter absent: 0)."""
    return [_stored(value) for value in values[:entries]], [
        int(value) if value else 0 for value in values[entries:]
    ]


def _stored(value: str | None) -> Stored | None:
    if value is None:
        return None
    try:
        entity_version, type_version, expires, private, data = orjson.loads(value)
    except (orjson.JSONDecodeError, ValueError, TypeError):
        return None
    return entity_version, type_version, expires, private, data


def encoded(versions: tuple[int, int], expires: int, private: bool, data: Any) -> str:
    """An entry's stored form (what :func:`decoded` reads)."""
    return orjson.dumps([versions[0], versions[1], expires, private, data]).decode()
