"""The social service against a real accounts service reached over real gRPC.

Accounts runs in-process (its app and its gRPC server on an ephemeral
127.0.0.1 port); social's own gRPC server is started by the tests that call it.
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
from subgraphs.accounts.rpc.server import grpc_services as accounts_grpc_services
from subgraphs.social.domain import SPEC
from subgraphs.social.models import EVENT_TABLES
from subgraphs.social.runtime import SocialRuntime, build_runtime
from subgraphs.social.settings import SocialSettings
from tests.conftest import MySQLDatabases
from tests.subgraphs.accounts.conftest import (  # noqa: F401 (fixtures used here)
    Accounts,
    accounts_factory,
    accounts_mysql_url,
    accounts_settings,
    new_mobile,
)
from tests.subgraphs.conftest import settings_maker
from tests.support.graphql import GraphQLClient

MIGRATIONS = SPEC.migrations
FOLLOW = "mutation($id: ID!) { follow(userId: $id) { id followerCount viewerFollows } }"
UNFOLLOW = "mutation($id: ID!) { unfollow(userId: $id) { id followerCount viewerFollows } }"


@pytest.fixture(scope="session")
def social_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("social", MIGRATIONS)


@dataclass
class Social:
    runtime: SocialRuntime
    app: FastAPI
    client: GraphQLClient
    settings: SocialSettings
    accounts: Accounts
    accounts_grpc: GrpcServer

    async def users(self, count: int) -> list[str]:
        """Create ``count`` accounts (straight through the accounts service) and return their ids."""
        service = self.accounts.runtime.service
        async with self.accounts.runtime.database.transaction() as session:
            created = [
                await service.create_user(new_mobile(), "correct1horse", "Tester", session=session)
                for _ in range(count)
            ]
        return [str(user.id) for user in created]

    def token(self, user_id: str) -> str:
        return AccessTokens.from_settings(self.accounts.settings).issue(user_id)

    async def follow(self, follower: str, followee: str) -> dict[str, Any]:
        data = await self.client.data(FOLLOW, {"id": followee}, token=self.token(follower))
        followed: dict[str, Any] = data["follow"]
        return followed

    async def unfollow(self, follower: str, followee: str) -> dict[str, Any]:
        data = await self.client.data(UNFOLLOW, {"id": followee}, token=self.token(follower))
        unfollowed: dict[str, Any] = data["unfollow"]
        return unfollowed

    async def outbox(self, *followers: str) -> list[tuple[str, dict[str, Any]]]:
        """``(event type, payload)`` of the outbox rows these followers caused, oldest first."""
        outbox = EVENT_TABLES.outbox
        async with self.runtime.database.transaction() as session:
            rows = await session.execute(
                select(outbox.c.event_type, outbox.c.payload)
                .where(outbox.c.aggregate_type == "user", outbox.c.aggregate_id.in_(followers))
                .order_by(outbox.c.id)
            )
        return [(event_type, json.loads(payload)) for event_type, payload in rows]

    async def events(self, *followers: str) -> list[tuple[str, str, str]]:
        """``(event type, follower id, followee id)`` of the outbox rows these followers caused."""
        return [
            (event_type, str(payload["followerId"]), str(payload["followeeId"]))
            for event_type, payload in await self.outbox(*followers)
        ]


@pytest.fixture
def social_settings(
    backend: str, social_mysql_url: URL, sqlite_url: Callable[[str, Path], URL], redis_prefix: str
) -> Callable[..., SocialSettings]:
    url = social_mysql_url if backend == "mariadb" else sqlite_url("social", MIGRATIONS)

    return settings_maker(SPEC, url, redis_prefix)


@pytest.fixture
async def social_factory(
    social_settings: Callable[..., SocialSettings],
    accounts_factory: Callable[..., Accounts],  # noqa: F811
) -> AsyncIterator[Callable[..., Any]]:
    """Starts accounts (app and gRPC server) and a social app pointed at it."""
    servers: list[GrpcServer] = []
    started: list[Social] = []

    async def start(**overrides: Any) -> Social:
        accounts = accounts_factory()
        server = GrpcServer(accounts_grpc_services(accounts.runtime), address="127.0.0.1:0")
        await server.start()
        servers.append(server)
        overrides.setdefault("accounts_grpc_target", f"127.0.0.1:{server.port}")
        settings = social_settings(**overrides)
        runtime = build_runtime(settings)
        app = create_app(SPEC, runtime)
        started.append(Social(runtime, app, GraphQLClient(app), settings, accounts, server))
        return started[-1]

    yield start
    for social in started:
        await social.client.aclose()
        await social.runtime.aclose()
    for server in servers:
        await server.stop()


@pytest.fixture
async def social(social_factory: Callable[..., Any]) -> Social:
    started: Social = await social_factory()
    return started
