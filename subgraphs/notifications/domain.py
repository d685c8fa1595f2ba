"""The notifications domain: NotificationsItem, created by members and read by anyone."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.notifications.context import NotificationsContext
from subgraphs.notifications.runtime import NotificationsRuntime, build_runtime
from subgraphs.notifications.schema import build_schema
from subgraphs.notifications.settings import NotificationsSettings

SPEC: DomainSpec[NotificationsSettings, NotificationsRuntime] = DomainSpec(
    name="notifications",
    port=4007,
    settings=NotificationsSettings,
    database_url=lambda settings: settings.notifications_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=NotificationsContext.of,
)
