"""What the qa domain runs on, built once from its settings, and its workers."""

from __future__ import annotations

from dataclasses import dataclass

from shared.db import Database
from shared.domain import Runtime
from shared.events import OutboxRelay, event_stream
from shared.lifecycle import Worker
from shared.redis import create_redis
from shared.tokens import AccessTokens
from subgraphs.qa.service import QaService
from subgraphs.qa.settings import QaSettings

NAME = "qa"


@dataclass(frozen=True, slots=True, kw_only=True)
class QaRuntime(Runtime[QaSettings]):
    service: QaService


def build_runtime(settings: QaSettings) -> QaRuntime:
    return QaRuntime(
        settings=settings,
        database=Database.from_url(settings.qa_database_url, timeouts=settings.database_timeouts()),
        redis=create_redis(settings.redis_url, timeout=settings.redis_timeout),
        tokens=AccessTokens.from_settings(settings),
        service=QaService(),
    )


def workers(runtime: QaRuntime) -> list[Worker]:
    """The outbox relay publishing qa's events to ``<prefix>events:qa``."""
    stream = event_stream(runtime.settings.redis_prefix, NAME)
    return [OutboxRelay(runtime.database, runtime.redis, stream=stream)]
