"""Composition root of the accounts service: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from redis.asyncio import Redis
from starlette.requests import HTTPConnection

from shared.cache import CacheAside
from shared.crypto import FieldCipher
from shared.db import Database
from shared.graphql import create_service_app
from shared.graphql.context import client_ip_of, request_id_of
from shared.health import backing_services
from shared.ratelimit import RateLimiter
from shared.redis import Keys, create_redis
from shared.tokens import AccessTokens
from subgraphs.accounts.codes import VerificationCodes
from subgraphs.accounts.loaders import UserLoader
from subgraphs.accounts.passwords import Passwords
from subgraphs.accounts.schema import AccountsContext, build_schema
from subgraphs.accounts.service import AccountsService
from subgraphs.accounts.settings import AccountsSettings
from subgraphs.accounts.sms import ConsoleSmsSender, SmsSender

NAME = "accounts"
MIGRATIONS = Path(__file__).parent / "migrations"


def build_service(
    settings: AccountsSettings, *, database: Database, redis: Redis, sms: SmsSender
) -> tuple[AccountsService, AccessTokens]:
    keys = Keys(settings.redis_prefix, NAME)
    tokens = AccessTokens.from_settings(settings, ttl=settings.access_token_ttl)
    service = AccountsService(
        settings=settings,
        database=database,
        keys=keys,
        cipher=FieldCipher.from_base64(settings.data_key),
        passwords=Passwords(
            time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib
        ),
        codes=VerificationCodes(
            redis, keys, ttl=settings.code_ttl, attempts=settings.code_attempts
        ),
        limiter=RateLimiter(redis),
        sms=sms,
        tokens=tokens,
        user_cache=CacheAside[int](redis, keys.key("user")),
    )
    return service, tokens


def create_app(
    settings: AccountsSettings, *, sms: SmsSender | None = None, redis: Redis | None = None
) -> FastAPI:
    database = Database.from_url(
        settings.accounts_database_url, timeouts=settings.database_timeouts()
    )
    redis = redis or create_redis(settings.redis_url, timeout=settings.redis_timeout)
    service, tokens = build_service(
        settings, database=database, redis=redis, sms=sms or ConsoleSmsSender()
    )

    async def context(request: HTTPConnection, response: object) -> AccountsContext:
        return AccountsContext(
            request=request,
            response=response,
            tokens=tokens,
            request_id=request_id_of(request),
            client_ip=client_ip_of(request),
            service=service,
            database=database,
            users=UserLoader(service),
        )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await database.dispose()
            await redis.aclose()

    app = create_service_app(
        title="accounts",
        schema=build_schema(),
        context_factory=context,
        lifespan=lifespan,
        health=lambda: backing_services(database, redis),
        shedder=settings.shedder(NAME),
    )
    app.state.database = database
    app.state.service = service
    app.state.redis = redis
    return app
