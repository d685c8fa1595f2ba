"""Per-request loaders: notifications by id, and the latest actors of many notifications, each
read in one statement per batch."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from shared.db import Database
from shared.ids import UserId
from subgraphs.notifications.service import (
    NotificationId,
    NotificationsService,
    NotificationView,
)

ActorsKey = tuple[NotificationId, int]
"""(notification, how many of its latest actors)."""


class NotificationLoader(DataLoader[NotificationId, NotificationView | None]):
    def __init__(self, service: NotificationsService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[NotificationId]) -> list[NotificationView | None]:
        async with self._database.transaction() as session:
            found = await self._service.notifications_by_id(keys, session=session)
        return [found.get(key) for key in keys]


class ActorsLoader(DataLoader[ActorsKey, list[UserId]]):
    def __init__(self, service: NotificationsService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[ActorsKey]) -> list[list[UserId]]:
        limit = max(size for _, size in keys)
        async with self._database.transaction() as session:
            found = await self._service.actors_of({id_ for id_, _ in keys}, limit, session=session)
        return [found.get(id_, [])[:size] for id_, size in keys]


@dataclass(frozen=True, slots=True)
class NotificationsLoaders:
    notifications: NotificationLoader
    actors: ActorsLoader

    @classmethod
    def of(cls, service: NotificationsService, database: Database) -> NotificationsLoaders:
        return cls(
            notifications=NotificationLoader(service, database),
            actors=ActorsLoader(service, database),
        )
