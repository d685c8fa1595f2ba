"""What the social domain runs on, built once from its settings."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from contracts.accounts.client import AccountsClient
from shared.db import Database
from shared.domain import Runtime
from shared.events import OutboxRelay, event_stream
from shared.lifecycle import Worker
from shared.redis import create_redis
from shared.tokens import AccessTokens
from subgraphs.social.service import SocialService
from subgraphs.social.settings import SocialSettings

NAME = "social"


@dataclass(frozen=True, slots=True, kw_only=True)
class SocialRuntime(Runtime[SocialSettings]):
    service: SocialService


def build_runtime(settings: SocialSettings, *, redis: Redis | None = None) -> SocialRuntime:
    accounts = AccountsClient.connect(settings, deadline=settings.accounts_grpc_deadline)
    return SocialRuntime(
        settings=settings,
        database=Database.from_url(
            settings.social_database_url, timeouts=settings.database_timeouts()
        ),
        redis=redis or create_redis(settings.redis_url, timeout=settings.redis_timeout),
        tokens=AccessTokens.from_settings(settings),
        channels=(accounts.channel,),
        service=SocialService(directory=accounts),
    )


def workers(runtime: SocialRuntime) -> list[Worker]:
    """The outbox relay publishing UserFollowed/UserUnfollowed to ``<prefix>events:social``."""
    stream = event_stream(runtime.settings.redis_prefix, NAME)
    return [OutboxRelay(runtime.database, runtime.redis, stream=stream)]
