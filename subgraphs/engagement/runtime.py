"""What the engagement domain runs on, built once from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from shared.db import Database
from shared.domain import Runtime
from shared.redis import create_redis
from shared.tokens import AccessTokens
from subgraphs.engagement.service import EngagementService
from subgraphs.engagement.settings import EngagementSettings


@dataclass(frozen=True, slots=True, kw_only=True)
class EngagementRuntime(Runtime[EngagementSettings]):
    service: EngagementService


def build_runtime(settings: EngagementSettings) -> EngagementRuntime:
    return EngagementRuntime(
        settings=settings,
        database=Database.from_url(settings.engagement_database_url),
        redis=create_redis(settings.redis_url),
        tokens=AccessTokens.from_settings(settings),
        service=EngagementService(),
    )
