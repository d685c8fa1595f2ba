"""What the articles domain runs on, built once from its settings, and its workers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from contracts.accounts.client import AccountsClient
from contracts.commerce.client import CommerceClient
from contracts.social.client import SocialClient
from shared.cache import EntityCache
from shared.db import Database
from shared.domain import Runtime
from shared.events import OutboxRelay, event_stream
from shared.lifecycle import Worker
from shared.redis import Keys, create_redis
from shared.tokens import AccessTokens
from subgraphs.articles.consumers import feed_consumers
from subgraphs.articles.feed import Feed
from subgraphs.articles.members import Memberships
from subgraphs.articles.service import ArticlesService, ArticleView
from subgraphs.articles.settings import ArticlesSettings
from subgraphs.articles.timelines import Timelines
from subgraphs.articles.views import ViewCounter, ViewFlusher

log = logging.getLogger(__name__)

NAME = "articles"


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticlesRuntime(Runtime[ArticlesSettings]):
    service: ArticlesService
    feed: Feed
    views: ViewCounter
    flusher: ViewFlusher
    memberships: Memberships


def build_runtime(settings: ArticlesSettings, *, redis: Redis | None = None) -> ArticlesRuntime:
    database = Database.from_url(
        settings.articles_database_url, timeouts=settings.database_timeouts()
    )
    redis = redis or create_redis(settings.redis_url, timeout=settings.redis_timeout)
    keys = Keys(settings.redis_prefix, NAME)
    accounts = AccountsClient.connect(settings, deadline=settings.accounts_grpc_deadline)
    social = SocialClient.connect(
        settings,
        deadline=settings.social_grpc_deadline,
        stream_deadline=settings.social_stream_deadline,
    )
    commerce = CommerceClient.connect(settings, deadline=settings.commerce_grpc_deadline)
    service = ArticlesService(
        cache=EntityCache(redis, keys.key("article"), ArticleView),
        directory=accounts,
    )
    feed = Feed(
        database=database,
        redis=redis,
        keys=keys,
        articles=service,
        timelines=Timelines(
            redis, keys, size=settings.feed_timeline_size, ttl=settings.feed_timeline_ttl
        ),
        graph=social,
        pull_threshold=settings.feed_pull_threshold,
    )
    views = ViewCounter(redis, keys, flush_views=settings.view_flush_views)
    flusher = ViewFlusher(
        views,
        database,
        interval=settings.view_flush_interval_ms / 1000,
        on_flushed=service.invalidate,
    )
    return ArticlesRuntime(
        settings=settings,
        database=database,
        redis=redis,
        tokens=AccessTokens.from_settings(settings),
        channels=(accounts.channel, social.channel, commerce.channel),
        service=service,
        feed=feed,
        views=views,
        flusher=flusher,
        memberships=Memberships(commerce, ttl=settings.membership_cache_ttl),
    )


def workers(runtime: ArticlesRuntime) -> list[Worker]:
    """The outbox relay, the feed's consumers and the view count flusher."""
    prefix = runtime.settings.redis_prefix
    relay = OutboxRelay(runtime.database, runtime.redis, stream=event_stream(prefix, NAME))
    consumers = feed_consumers(runtime.feed, runtime.database, runtime.redis, prefix=prefix)
    return [relay, *consumers, runtime.flusher]


async def flush_views(runtime: ArticlesRuntime) -> None:
    """Views recorded here reach the database even where no flusher worker runs."""
    try:
        await runtime.flusher.flush()
    except (RedisError, SQLAlchemyError, OSError):
        log.exception("views still buffered at shutdown; the next flush writes them")
