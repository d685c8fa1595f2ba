"""The notifications domain on MariaDB (and, for tests marked ``sqlite``, on SQLite too)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from shared.domain import create_app
from subgraphs.notifications.domain import SPEC
from subgraphs.notifications.runtime import NotificationsRuntime
from tests.conftest import MySQLDatabases
from tests.subgraphs.conftest import settings_maker
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
    url = notifications_mysql_url if backend == "mariadb" else sqlite_url("notifications", MIGRATIONS)
    runtime = SPEC.build_runtime(settings_maker(SPEC, url, redis_prefix)())
    client = GraphQLClient(create_app(SPEC, runtime))
    yield Notifications(runtime, client)
    await client.aclose()
    await runtime.aclose()
