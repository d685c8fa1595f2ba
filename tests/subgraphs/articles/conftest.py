"""The articles service against real accounts and social services reached over real gRPC.

Accounts and social run in-process (their apps, and their gRPC servers on
ephemeral 127.0.0.1 ports); articles is pointed at both.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import URL

from shared.domain import create_app
from shared.grpc import GrpcServer
from shared.tokens import AccessTokens
from subgraphs.articles.domain import SPEC
from subgraphs.articles.models import EVENT_TABLES
from subgraphs.articles.runtime import ArticlesRuntime, build_runtime
from subgraphs.articles.settings import ArticlesSettings
from subgraphs.social.rpc.server import grpc_services as social_grpc_services
from tests.conftest import MySQLDatabases
from tests.subgraphs.accounts.conftest import (  # noqa: F401 (fixtures used here)
    accounts_factory,
    accounts_mysql_url,
    accounts_settings,
)
from tests.subgraphs.conftest import settings_maker
from tests.subgraphs.social.conftest import (  # noqa: F401 (fixtures used here)
    Social,
    social_factory,
    social_mysql_url,
    social_settings,
)
from tests.support.graphql import GraphQLClient

MIGRATIONS = SPEC.migrations
PUBLISH = """mutation($input: PublishArticleInput!) {
  publishArticle(input: $input) { id title summary tags status publishedAt author { id } }
}"""


@pytest.fixture(scope="session")
def articles_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("articles", MIGRATIONS)


@dataclass
class Articles:
    runtime: ArticlesRuntime
    app: FastAPI
    client: GraphQLClient
    settings: ArticlesSettings
    social: Social
    social_grpc: GrpcServer

    async def users(self, count: int) -> list[str]:
        return await self.social.users(count)

    def token(self, user_id: str) -> str:
        return AccessTokens.from_settings(self.settings).issue(user_id)

    async def publish(self, author: str, **fields: Any) -> dict[str, Any]:
        values = {"title": "A title", "content": "Some content.", **fields}
        data = await self.client.data(PUBLISH, {"input": values}, token=self.token(author))
        published: dict[str, Any] = data["publishArticle"]
        return published

    async def execute(self, query: str, user: str | None = None, **variables: Any) -> Any:
        token = self.token(user) if user else None
        return await self.client.execute(query, variables, token=token)

    async def data(self, query: str, user: str | None = None, **variables: Any) -> Any:
        token = self.token(user) if user else None
        return await self.client.data(query, variables, token=token)


@pytest.fixture
def articles_settings(
    backend: str, articles_mysql_url: URL, sqlite_url: Callable[[str, Path], URL], redis_prefix: str
) -> Callable[..., ArticlesSettings]:
    url = articles_mysql_url if backend == "mariadb" else sqlite_url("articles", MIGRATIONS)

    return settings_maker(SPEC, url, redis_prefix)


@pytest.fixture
async def articles_factory(
    articles_settings: Callable[..., ArticlesSettings],
    social_factory: Callable[..., Any],  # noqa: F811
) -> AsyncIterator[Callable[..., Any]]:
    """Starts accounts and social (apps and gRPC servers) and an articles app pointed at both."""
    servers: list[GrpcServer] = []
    started: list[Articles] = []

    async def start(**overrides: Any) -> Articles:
        social: Social = await social_factory()
        server = GrpcServer(social_grpc_services(social.runtime), address="127.0.0.1:0")
        await server.start()
        servers.append(server)
        overrides.setdefault("accounts_grpc_target", f"127.0.0.1:{social.accounts_grpc.port}")
        overrides.setdefault("social_grpc_target", f"127.0.0.1:{server.port}")
        settings = articles_settings(**overrides)
        runtime = build_runtime(settings)
        app = create_app(SPEC, runtime)
        started.append(Articles(runtime, app, GraphQLClient(app), settings, social, server))
        return started[-1]

    yield start
    for articles in started:
        await articles.client.aclose()
        await articles.runtime.aclose()
    for server in servers:
        await server.stop()


@pytest.fixture
async def articles(articles_factory: Callable[..., Any]) -> Articles:
    started: Articles = await articles_factory()
    return started


async def outbox_of(articles: Articles, article_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The events recorded for one article, oldest first: (type, payload)."""
    outbox = EVENT_TABLES.outbox
    async with articles.runtime.database.transaction() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.aggregate_type == "article", outbox.c.aggregate_id == article_id)
            .order_by(outbox.c.id)
        )
    return [(event_type, json.loads(payload)) for event_type, payload in rows]
