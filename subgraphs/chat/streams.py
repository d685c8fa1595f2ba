"""The live streams behind the subscriptions: replay, then live, with no gap and no duplicate.

:func:`message_stream` serves ``messageReceived(conversationId, since)``:

1. it listens to the conversation's channel, confirmed by Redis
   (:meth:`subgraphs.chat.live.Hub.listen`);
2. in one transaction it checks the viewer is a member and reads the first
   batch of messages after ``since`` (without ``since``: it only notes the
   conversation's end), then replays the rest in batches;
3. it goes live: an event at or below the last sequence number sent is a
   duplicate and dropped; one beyond the next number means messages were
   missed (Redis dropped one, or reconnected), and the missing ones are read
   from the database first. Events that merely cross on the way (publish
   order differs from commit order) are put back in order once per process
   before they get here (:mod:`subgraphs.chat.ordering`).

Every database read here waits for one of the service's ``stream_reads``
slots, so a burst of subscribes queues in the process rather than on the
connection pool.

So the stream is gap-free and ordered whatever pub/sub does, and a client
resumes after any disconnect with ``since`` = the last ``seq`` it got.
The member's removal, published on the same channel, ends the stream at
once with ``FORBIDDEN``; an access token's expiry ends it with
``UNAUTHENTICATED`` (reason ``EXPIRED``), so a long-lived socket never
outlives the token that opened it; falling ``capacity`` events behind ends
it as too slow (:class:`~subgraphs.chat.live.SubscriberTooSlow`).

:func:`activity_stream` serves ``conversationActivity``: the events on the
viewer's own channel (a message in one of their direct or group
conversations, their reads from any device, joining and leaving), under
the same expiry rule.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from shared.db import Database
from shared.errors import AuthReason, Forbidden, NotFound, Unauthenticated
from shared.ids import UserId
from subgraphs.chat.live import RESYNC, Listener
from subgraphs.chat.service import ChatService
from subgraphs.chat.views import ConversationId, MessageView, message_view

REPLAY_BATCH = 100


@dataclass(frozen=True, slots=True)
class Subscriber:
    """Who listens, until when their token is good, and how far behind they may fall."""

    viewer: UserId
    expires_at: float
    capacity: int


def _expired() -> Unauthenticated:
    return Unauthenticated(
        "The access token has expired: refresh it, then subscribe again with `since` set to "
        "the last sequence number you received.",
        reason=AuthReason.EXPIRED,
    )


async def _next(listener: Listener, subscriber: Subscriber) -> dict[str, Any]:
    """The listener's next event, or :func:`_expired` when the token runs out first."""
    remaining = subscriber.expires_at - time.time()
    if remaining <= 0:
        raise _expired()
    if listener.waiting:
        # One waiting already: no timer to set and cancel (a busy room's every event).
        return await listener.next()
    try:
        async with asyncio.timeout(remaining):
            return await listener.next()
    except TimeoutError:
        raise _expired() from None


async def message_stream(
    service: ChatService,
    database: Database,
    subscriber: Subscriber,
    conversation_id: ConversationId,
    since: int | None,
) -> AsyncGenerator[MessageView, None]:
    viewer = subscriber.viewer
    channel = service.hub.conversation_channel(conversation_id)
    async with service.hub.listen([channel], subscriber.capacity) as listener:
        # One read once the channel is confirmed: the membership, and the first replay batch.
        async with service.stream_reads, database.transaction() as session:
            membership = await service.membership(viewer, conversation_id, session=session)
            if membership is None:
                if not await service.conversations_by_id([conversation_id], session=session):
                    raise NotFound(f"There is no conversation with id {conversation_id}.")
                raise Forbidden(
                    "Only members of this conversation receive its messages: join it first."
                )
            sent = membership.conversation.last_seq if since is None else max(0, since)
            replay = (
                []
                if since is None
                else await service.messages_after(
                    conversation_id, sent, limit=REPLAY_BATCH, session=session
                )
            )
        service.hub.known(channel, membership.conversation.last_seq)
        for message in replay:
            yield message
            sent = message.seq
        if len(replay) == REPLAY_BATCH:
            async for message in _catch_up(service, database, viewer, conversation_id, sent):
                yield message
                sent = message.seq
        while True:
            event = await _next(listener, subscriber)
            kind = event.get("type")
            if kind == "removed" and event.get("userId") == viewer:
                raise Forbidden("You are no longer a member of this conversation.")
            if kind == "message":
                seq = int(event["seq"])
                if seq <= sent:
                    continue  # already sent: replayed, or delivered twice
                if seq == sent + 1:
                    yield message_view(event)
                    sent = seq
                    continue
            if kind in ("message", RESYNC["type"]):
                # A gap, or events may have been lost: the database has them in order.
                async for message in _catch_up(service, database, viewer, conversation_id, sent):
                    yield message
                    sent = message.seq


async def _catch_up(
    service: ChatService,
    database: Database,
    viewer: UserId,
    conversation_id: ConversationId,
    seq: int,
) -> AsyncGenerator[MessageView, None]:
    """Every message after ``seq`` in order, read in batches."""
    while True:
        batch = await _read_after(service, database, viewer, conversation_id, seq)
        for message in batch:
            yield message
        if len(batch) < REPLAY_BATCH:
            return
        seq = batch[-1].seq


async def _read_after(
    service: ChatService,
    database: Database,
    viewer: UserId,
    conversation_id: ConversationId,
    seq: int,
) -> list[MessageView]:
    """The next messages after ``seq``, for a viewer who must still be a member."""
    async with service.stream_reads, database.transaction() as session:
        if await service.membership(viewer, conversation_id, session=session) is None:
            raise Forbidden("You are no longer a member of this conversation.")
        return await service.messages_after(
            conversation_id, seq, limit=REPLAY_BATCH, session=session
        )


async def activity_stream(
    service: ChatService, subscriber: Subscriber
) -> AsyncGenerator[dict[str, Any], None]:
    """The raw events on the viewer's channel, in the order they were published."""
    channel = service.hub.user_channel(subscriber.viewer)
    async with service.hub.listen([channel], subscriber.capacity) as listener:
        while True:
            event = await _next(listener, subscriber)
            if event.get("type") != RESYNC["type"]:
                yield event
