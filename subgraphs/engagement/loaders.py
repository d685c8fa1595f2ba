"""Per-request loaders: many items asked in one request are read in one statement."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from shared.db import Database
from subgraphs.engagement.service import EngagementItemId, EngagementItemView, EngagementService


class ItemLoader(DataLoader[EngagementItemId, EngagementItemView | None]):
    def __init__(self, service: EngagementService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[EngagementItemId]) -> list[EngagementItemView | None]:
        async with self._database.transaction() as session:
            found = await self._service.items_by_id(keys, session=session)
        return [found.get(key) for key in keys]


@dataclass(frozen=True, slots=True)
class EngagementLoaders:
    items: ItemLoader

    @classmethod
    def of(cls, service: EngagementService, database: Database) -> EngagementLoaders:
        return cls(items=ItemLoader(service, database))
