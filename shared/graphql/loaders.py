"""The per-request loader every domain builds its loaders from: one transaction per batch.

``BatchLoader(database, read, missing)`` hands every key of a batch to
``read`` inside one transaction (the loader is the caller that owns it) and
answers ``missing(key)`` for keys ``read`` did not find. Build loaders per
request: aiodataloader binds the running loop at construction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping
from typing import Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

Read = Callable[[list[K], AsyncSession], Awaitable[Mapping[K, V]]]


class BatchLoader(DataLoader[K, V], Generic[K, V]):
    """Keys of one batch read by ``read`` in one transaction; ``missing`` for keys it lacks."""

    def __init__(self, database: Database, read: Read[K, V], missing: Callable[[K], V]) -> None:
        super().__init__()
        self._database = database
        self._read = read
        self._missing = missing

    async def batch_load_fn(self, keys: list[K]) -> list[V]:
        async with self._database.transaction() as session:
            found = await self._read(keys, session)
        return [found[key] if key in found else self._missing(key) for key in keys]
