"""What the engagement domain runs on, built once from its settings, and its workers."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from redis.asyncio import Redis

from shared.db import Database
from shared.domain import Runtime
from shared.events import OutboxRelay, event_stream
from shared.lifecycle import Worker
from shared.ratelimit import RateLimiter, Window
from shared.redis import Keys, create_redis
from shared.tokens import AccessTokens
from subgraphs.engagement.consumers import hot_list_consumer, likes_to_hot_list, subject_consumers
from subgraphs.engagement.counts import LikeCountConsumer, PendingLikes
from subgraphs.engagement.service import EngagementService
from subgraphs.engagement.settings import EngagementSettings
from subgraphs.engagement.trending import HotList

log = logging.getLogger(__name__)

NAME = "engagement"


@dataclass(frozen=True, slots=True, kw_only=True)
class EngagementRuntime(Runtime[EngagementSettings]):
    service: EngagementService
    hot: HotList


def build_runtime(settings: EngagementSettings, *, redis: Redis | None = None) -> EngagementRuntime:
    redis = redis or create_redis(settings.redis_url, timeout=settings.redis_timeout)
    keys = Keys(settings.redis_prefix, NAME)
    comment_limit = Window(
        key=keys.key("comment-rate", ""),
        limit=settings.comment_rate_limit,
        seconds=settings.comment_rate_seconds,
        message="You are commenting too fast: wait a moment, then post again.",
    )
    return EngagementRuntime(
        settings=settings,
        database=Database.from_url(
            settings.engagement_database_url, timeouts=settings.database_timeouts()
        ),
        redis=redis,
        tokens=AccessTokens.from_settings(settings),
        service=EngagementService(
            pending=PendingLikes(redis, keys),
            limiter=RateLimiter(redis),
            comment_limit=comment_limit,
        ),
        hot=HotList(redis, keys, size=settings.trending_size),
    )


def like_count_consumer(
    runtime: EngagementRuntime, *, member: str | None = None
) -> LikeCountConsumer:
    settings = runtime.settings
    return LikeCountConsumer(
        runtime.database,
        runtime.redis,
        runtime.service.pending,
        stream=event_stream(settings.redis_prefix, NAME),
        flush_events=settings.like_flush_events,
        flush_interval=settings.like_flush_interval_ms / 1000,
        claim_idle=settings.like_claim_idle,
        member=member,
        on_written=likes_to_hot_list(runtime.database, runtime.hot),
    )


def workers(runtime: EngagementRuntime) -> list[Worker]:
    """The outbox relay, the subject projection, the hot list and the like counts."""
    prefix = runtime.settings.redis_prefix
    database, redis = runtime.database, runtime.redis
    return [
        OutboxRelay(database, redis, stream=event_stream(prefix, NAME)),
        *subject_consumers(database, redis, runtime.hot, prefix=prefix),
        hot_list_consumer(database, redis, runtime.hot, prefix=prefix),
        like_count_consumer(runtime),
    ]
