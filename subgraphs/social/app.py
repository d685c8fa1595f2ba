"""Composition root of the social service: ``create_app(settings)`` and its outbox relay."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from redis.asyncio import Redis
from starlette.requests import HTTPConnection

from shared.db import Database
from shared.events import OutboxRelay, event_stream
from shared.graphql import create_service_app
from shared.graphql.context import client_ip_of, request_id_of
from shared.grpc import create_channel
from shared.health import backing_services
from shared.lifecycle import Worker
from shared.redis import create_redis
from shared.tokens import AccessTokens
from subgraphs.social.loaders import CountsLoader, EdgeLoader, PageLoader
from subgraphs.social.rpc.accounts import AccountsDirectory
from subgraphs.social.schema import SocialContext, build_schema
from subgraphs.social.service import SocialService
from subgraphs.social.settings import SocialSettings

NAME = "social"
MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: SocialSettings, *, redis: Redis | None = None) -> FastAPI:
    database = Database.from_url(
        settings.social_database_url, timeouts=settings.database_timeouts()
    )
    redis = redis or create_redis(settings.redis_url, timeout=settings.redis_timeout)
    accounts = create_channel(
        settings.accounts_grpc_target, service="accounts", deadline=settings.accounts_grpc_deadline
    )
    service = SocialService(directory=AccountsDirectory(accounts))
    tokens = AccessTokens.from_settings(settings)

    async def context(request: HTTPConnection, response: object) -> SocialContext:
        return SocialContext(
            request=request,
            response=response,
            tokens=tokens,
            request_id=request_id_of(request),
            client_ip=client_ip_of(request),
            social=service,
            db=database,
            count_loader=CountsLoader(service, database),
            edge_loader=EdgeLoader(service, database),
            page_loader=PageLoader(service, database),
        )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await accounts.close()
            await database.dispose()
            await redis.aclose()

    app = create_service_app(
        title=NAME,
        schema=build_schema(),
        context_factory=context,
        lifespan=lifespan,
        health=lambda: backing_services(database, redis),
        shedder=settings.shedder(NAME),
    )
    app.state.database = database
    app.state.service = service
    app.state.redis = redis
    app.state.accounts_channel = accounts
    return app


def workers(settings: SocialSettings, app: FastAPI) -> list[Worker]:
    """The outbox relay publishing UserFollowed/UserUnfollowed to ``<prefix>events:social``."""
    stream = event_stream(settings.redis_prefix, NAME)
    return [OutboxRelay(app.state.database, app.state.redis, stream=stream)]
