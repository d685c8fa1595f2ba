"""What the notifications domain runs on, built once from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from shared.db import Database
from shared.domain import Runtime
from shared.redis import create_redis
from shared.tokens import AccessTokens
from subgraphs.notifications.service import NotificationsService
from subgraphs.notifications.settings import NotificationsSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationsRuntime(Runtime[NotificationsSettings]):
    service: NotificationsService


def build_runtime(settings: NotificationsSettings) -> NotificationsRuntime:
    return NotificationsRuntime(
        settings=settings,
        database=Database.from_url(settings.notifications_database_url),
        redis=create_redis(settings.redis_url),
        tokens=AccessTokens.from_settings(settings),
        service=NotificationsService(),
    )
