"""The engagement domain on MariaDB (and, for tests marked ``sqlite``, on SQLite too)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from shared.domain import create_app
from subgraphs.engagement.domain import SPEC
from subgraphs.engagement.runtime import EngagementRuntime
from tests.conftest import MySQLDatabases
from tests.subgraphs.conftest import settings_maker
from tests.support.graphql import GraphQLClient

MIGRATIONS = SPEC.migrations


@pytest.fixture(scope="session")
def engagement_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("engagement", MIGRATIONS)


@dataclass
class Engagement:
    runtime: EngagementRuntime
    client: GraphQLClient

    async def execute(self, query: str, user: str | None = None, **variables: Any) -> Any:
        token = self.runtime.tokens.issue(user) if user else None
        return await self.client.execute(query, variables, token=token)


@pytest.fixture
async def engagement(
    backend: str,
    engagement_mysql_url: URL,
    sqlite_url: Callable[[str, Path], URL],
    redis_prefix: str,
) -> AsyncIterator[Engagement]:
    url = engagement_mysql_url if backend == "mariadb" else sqlite_url("engagement", MIGRATIONS)
    runtime = SPEC.build_runtime(settings_maker(SPEC, url, redis_prefix)())
    client = GraphQLClient(create_app(SPEC, runtime))
    yield Engagement(runtime, client)
    await client.aclose()
    await runtime.aclose()
