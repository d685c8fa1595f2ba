"""Composition root of the articles service: ``create_app(settings)`` and its workers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import HTTPConnection

from shared.cache import CacheAside
from shared.db import Database
from shared.events import OutboxRelay, event_stream
from shared.graphql import create_service_app
from shared.graphql.context import client_ip_of, request_id_of
from shared.grpc import create_channel
from shared.health import backing_services
from shared.lifecycle import Worker
from shared.redis import Keys, create_redis
from shared.tokens import AccessTokens
from subgraphs.articles.consumers import feed_consumers
from subgraphs.articles.feed import Feed
from subgraphs.articles.loaders import ArticleLoader, AuthorPagesLoader, BufferedViewsLoader
from subgraphs.articles.rpc.accounts import AccountsDirectory
from subgraphs.articles.rpc.social import SocialFollowGraph
from subgraphs.articles.schema import ArticlesContext, build_schema
from subgraphs.articles.service import ArticlesService
from subgraphs.articles.settings import ArticlesSettings
from subgraphs.articles.timelines import Timelines
from subgraphs.articles.views import ViewCounter, ViewFlusher

log = logging.getLogger(__name__)

NAME = "articles"
MIGRATIONS = Path(__file__).parent / "migrations"


def create_app(settings: ArticlesSettings, *, redis: Redis | None = None) -> FastAPI:
    database = Database.from_url(
        settings.articles_database_url, timeouts=settings.database_timeouts()
    )
    redis = redis or create_redis(settings.redis_url, timeout=settings.redis_timeout)
    keys = Keys(settings.redis_prefix, NAME)
    accounts = create_channel(
        settings.accounts_grpc_target, service="accounts", deadline=settings.accounts_grpc_deadline
    )
    social = create_channel(
        settings.social_grpc_target, service="social", deadline=settings.social_grpc_deadline
    )
    service = ArticlesService(
        database=database,
        cache=CacheAside[int](redis, keys.key("article")),
        directory=AccountsDirectory(accounts),
    )
    feed = Feed(
        database=database,
        redis=redis,
        keys=keys,
        articles=service,
        timelines=Timelines(
            redis, keys, size=settings.feed_timeline_size, ttl=settings.feed_timeline_ttl
        ),
        graph=SocialFollowGraph(social, stream_deadline=settings.social_stream_deadline),
        pull_threshold=settings.feed_pull_threshold,
    )
    views = ViewCounter(redis, keys, flush_views=settings.view_flush_views)
    flusher = ViewFlusher(
        views,
        database,
        interval=settings.view_flush_interval_ms / 1000,
        on_flushed=service.invalidate,
    )
    tokens = AccessTokens.from_settings(settings)

    async def context(request: HTTPConnection, response: object) -> ArticlesContext:
        return ArticlesContext(
            request=request,
            response=response,
            tokens=tokens,
            request_id=request_id_of(request),
            client_ip=client_ip_of(request),
            db=database,
            articles=service,
            feed=feed,
            views=views,
            article_loader=ArticleLoader(service),
            page_loader=AuthorPagesLoader(service),
            views_loader=BufferedViewsLoader(views),
        )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            # Views recorded here reach the database even where no flusher worker runs.
            try:
                await flusher.flush()
            except (RedisError, SQLAlchemyError, OSError):
                log.exception("views still buffered at shutdown; the next flush writes them")
            await accounts.close()
            await social.close()
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
    app.state.feed = feed
    app.state.views = views
    app.state.flusher = flusher
    app.state.accounts_channel = accounts
    app.state.social_channel = social
    return app


def workers(settings: ArticlesSettings, app: FastAPI) -> list[Worker]:
    """The outbox relay, the feed's consumers and the view count flusher."""
    relay = OutboxRelay(
        app.state.database, app.state.redis, stream=event_stream(settings.redis_prefix, NAME)
    )
    consumers = feed_consumers(
        app.state.feed, app.state.database, app.state.redis, prefix=settings.redis_prefix
    )
    return [relay, *consumers, app.state.flusher]
