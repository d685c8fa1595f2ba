"""What the chat domain runs on, built once from its settings, and its workers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.db import Database
from shared.domain import Runtime
from shared.events import OutboxRelay, event_stream
from shared.lifecycle import Worker
from shared.ratelimit import RateLimiter
from shared.redis import create_redis
from shared.tokens import AccessTokens
from subgraphs.chat.live import Hub
from subgraphs.chat.ordering import ReadGap, ReorderBuffer
from subgraphs.chat.service import ChatService, Limits
from subgraphs.chat.settings import ChatSettings
from subgraphs.chat.views import ConversationId

NAME = "chat"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatRuntime(Runtime[ChatSettings]):
    service: ChatService

    async def aclose(self) -> None:
        """Stop live delivery first: its reader uses the Redis client closed after it."""
        await self.service.hub.aclose()
        await Runtime.aclose(self)


def build_runtime(settings: ChatSettings) -> ChatRuntime:
    redis = create_redis(settings.redis_url, timeout=settings.redis_timeout)
    limits = Limits(
        group_members=settings.chat_group_member_limit,
        room_members=settings.chat_room_member_limit,
        sends_per_window=settings.chat_send_limit,
    )
    database = Database.from_url(settings.chat_database_url, timeouts=settings.database_timeouts())
    hub = Hub(redis, settings.redis_prefix)
    service = ChatService(
        hub=hub,
        limiter=RateLimiter(redis),
        limits=limits,
        prefix=settings.redis_prefix,
        stream_reads=settings.chat_stream_reads,
    )
    hub.order_with(ReorderBuffer(gap_reader(service, database)))
    return ChatRuntime(
        settings=settings,
        database=database,
        redis=redis,
        tokens=AccessTokens.from_settings(settings),
        service=service,
    )


def gap_reader(service: ChatService, database: Database) -> ReadGap:
    """Messages a process's reorder buffer still misses, read as the events they were."""

    async def read_gap(conversation_id: int, after: int, through: int) -> list[dict[str, Any]]:
        async with service.stream_reads, database.transaction() as session:
            views = await service.messages_after(
                ConversationId(conversation_id), after, limit=through - after, session=session
            )
        return [view.event() for view in views]

    return read_gap


def workers(runtime: ChatRuntime) -> list[Worker]:
    """The outbox relay publishing chat's events to ``<prefix>events:chat``."""
    stream = event_stream(runtime.settings.redis_prefix, NAME)
    return [OutboxRelay(runtime.database, runtime.redis, stream=stream)]
