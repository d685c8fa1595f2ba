"""What the notifications domain runs on, built once from its settings, and its workers."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from shared.db import Database
from shared.domain import Runtime
from shared.lifecycle import Worker
from shared.redis import Keys, create_redis
from shared.tokens import AccessTokens
from subgraphs.notifications.consumers import notification_consumers
from subgraphs.notifications.live import LiveHub
from subgraphs.notifications.service import NotificationsService
from subgraphs.notifications.settings import NotificationsSettings

NAME = "notifications"


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationsRuntime(Runtime[NotificationsSettings]):
    service: NotificationsService
    live: LiveHub

    async def aclose(self) -> None:
        await self.live.aclose()
        await Runtime.aclose(self)


def build_runtime(
    settings: NotificationsSettings, *, redis: Redis | None = None
) -> NotificationsRuntime:
    redis = redis or create_redis(settings.redis_url, timeout=settings.redis_timeout)
    live = LiveHub(
        redis, Keys(settings.redis_prefix, NAME), capacity=settings.notifications_live_queue
    )
    return NotificationsRuntime(
        settings=settings,
        database=Database.from_url(
            settings.notifications_database_url, timeouts=settings.database_timeouts()
        ),
        redis=redis,
        tokens=AccessTokens.from_settings(settings),
        service=NotificationsService(live),
        live=live,
    )


def workers(runtime: NotificationsRuntime) -> list[Worker]:
    """The consumers of social, engagement, qa, articles and chat events."""
    return list(
        notification_consumers(
            runtime.service, runtime.database, runtime.redis, prefix=runtime.settings.redis_prefix
        )
    )
