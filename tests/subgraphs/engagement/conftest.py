"""The engagement domain on MariaDB (and, for tests marked ``sqlite``, on SQLite too)."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from shared.db import utcnow
from shared.domain import create_app
from subgraphs.engagement.domain import SPEC
from subgraphs.engagement.rules import Kind
from subgraphs.engagement.runtime import EngagementRuntime
from subgraphs.engagement.subjects import add_subject
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


_ids = itertools.count(random.randrange(10**9, 2 * 10**9, 10**5))

LIKE = """mutation($kind: EngagementTargetKind!, $id: ID!) {
  like(target: {kind: $kind, id: $id}) { likeCount viewerHasLiked } }"""
UNLIKE = """mutation($kind: EngagementTargetKind!, $id: ID!) {
  unlike(target: {kind: $kind, id: $id}) { likeCount viewerHasLiked } }"""
COMMENT = """mutation($kind: EngagementTargetKind!, $id: ID!, $body: String!, $replyTo: ID) {
  comment(target: {kind: $kind, id: $id}, body: $body, replyTo: $replyTo) { id body } }"""


def new_id() -> int:
    """An id no other test uses (the database is shared by the session's tests)."""
    return next(_ids)


async def add_subjects(
    runtime: EngagementRuntime,
    kind: Kind,
    count: int = 1,
    *,
    owner: int | None = None,
    tags: tuple[str, ...] = (),
) -> list[int]:
    """Project ``count`` new subjects, as their domain's events would."""
    ids = [new_id() for _ in range(count)]
    async with runtime.database.transaction() as session:
        for id_ in ids:
            await add_subject(
                session, kind, id_, owner_id=owner or new_id(), created_at=utcnow(), tags=tags
            )
    return ids
