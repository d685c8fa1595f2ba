"""The notifications domain on MariaDB (and, for tests marked ``sqlite``, on SQLite too)."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from shared.db import utcnow
from shared.domain import create_app
from shared.events import Consumer, event_stream
from subgraphs.notifications.consumers import notification_consumers
from subgraphs.notifications.domain import SPEC
from subgraphs.notifications.runtime import NotificationsRuntime
from tests.conftest import MySQLDatabases
from tests.subgraphs.conftest import settings_maker
from tests.support.events import emit
from tests.support.graphql import GraphQLClient

MIGRATIONS = SPEC.migrations


@pytest.fixture(scope="session")
def notifications_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("notifications", MIGRATIONS)


@dataclass
class Notifications:
    runtime: NotificationsRuntime
    client: GraphQLClient

    async def execute(self, query: str, user: str | None = None, **variables: Any) -> Any:
        token = self.runtime.tokens.issue(user) if user else None
        return await self.client.execute(query, variables, token=token)


@pytest.fixture
async def notifications(
    backend: str,
    notifications_mysql_url: URL,
    sqlite_url: Callable[[str, Path], URL],
    redis_prefix: str,
) -> AsyncIterator[Notifications]:
    url = (
        notifications_mysql_url if backend == "mariadb" else sqlite_url("notifications", MIGRATIONS)
    )
    runtime = SPEC.build_runtime(settings_maker(SPEC, url, redis_prefix)())
    client = GraphQLClient(create_app(SPEC, runtime))
    yield Notifications(runtime, client)
    await client.aclose()
    await runtime.aclose()


@dataclass
class Producers:
    """Writes contract-shaped events into the other domains' streams, as their relays would,
    and runs this domain's consumers over them."""

    runtime: NotificationsRuntime
    consumers: list[Consumer]
    _touched: set[str] = field(default_factory=set)

    async def emit(
        self, domain: str, event_type: str, *, event_id: str | None = None, **payload: Any
    ) -> str:
        settings = self.runtime.settings
        self._touched.add(event_stream(settings.redis_prefix, domain))
        return await emit(
            self.runtime.redis,
            settings.redis_prefix,
            domain,
            event_type,
            payload,
            event_id=event_id,
        )

    async def drain(self) -> None:
        """Handle everything written to the streams so far."""
        touched = [c for c in self.consumers if c.stream in self._touched]
        while sum([await consumer.poll() for consumer in touched]):
            pass


def at(seconds: float = 0) -> str:
    """An action time ``seconds`` from now, ISO-8601 UTC as the contracts have it."""
    return (utcnow() + timedelta(seconds=seconds)).isoformat()


@pytest.fixture
def producers(notifications: Notifications) -> Producers:
    runtime = notifications.runtime
    consumers = notification_consumers(
        runtime.service, runtime.database, runtime.redis, prefix=runtime.settings.redis_prefix
    )
    return Producers(runtime, consumers)


_BASES = itertools.count(random.randrange(1, 10**6) * 1000, 1000)


@dataclass(frozen=True)
class Ids:
    """Ids no other test uses (the database lives as long as the test session): ``ids(1)``
    is this test's member or subject number 1, ``ids.s(1)`` the same as a GraphQL id."""

    base: int

    def __call__(self, n: int) -> int:
        return self.base + n

    def s(self, n: int) -> str:
        return str(self.base + n)


@pytest.fixture
def ids() -> Ids:
    return Ids(next(_BASES))
