"""The notifications domain: the message center built from other domains' events."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.notifications.context import NotificationsContext
from subgraphs.notifications.runtime import NAME, NotificationsRuntime, build_runtime, workers
from subgraphs.notifications.schema import build_schema
from subgraphs.notifications.settings import NotificationsSettings

SPEC: DomainSpec[NotificationsSettings, NotificationsRuntime] = DomainSpec(
    name=NAME,
    port=4007,
    settings=NotificationsSettings,
    database_url=lambda settings: settings.notifications_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=NotificationsContext.of,
    workers=workers,
)
