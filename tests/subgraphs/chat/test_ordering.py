"""Message events that cross on the way are put back in order once per process: many
subscribers, one database read at most, whatever order pub/sub delivers in."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from subgraphs.chat.views import ConversationId, MessageView
from tests.subgraphs.chat.conftest import JOIN, Chat
from tests.subgraphs.chat.test_live import stream, take

SUBSCRIBERS = 20


async def room_with_listeners(
    chat: Chat,
) -> tuple[str, str, list[AsyncGenerator[Any, None]], list[asyncio.Future[Any]]]:
    """A room, its owner, and 20 members' live streams waiting for their first message."""
    owner, *members = chat.members(SUBSCRIBERS + 1)
    room = await chat.room(owner, "Crossing")
    for member in members:
        await chat.data(JOIN, member, c=room)
    sources = [stream(chat, member, room, None) for member in members]
    firsts = [asyncio.ensure_future(anext(source)) for source in sources]
    await asyncio.sleep(0.3)  # every stream listening
    return owner, room, sources, firsts


async def sent_unpublished(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, owner: str, room: str, count: int
) -> list[dict[str, Any]]:
    """``count`` messages committed with their live events held back: the events."""
    hub = chat.runtime.service.hub

    async def held(events: object) -> None:
        """Not published yet."""

    with monkeypatch.context() as patch:
        patch.setattr(hub, "publish", held)
        for n in range(count):
            await chat.send(owner, room, f"m{n + 1}")
    async with chat.runtime.database.transaction() as session:
        views = await chat.runtime.service.messages_after(
            ConversationId(int(room)), 0, limit=count, session=session
        )
    return [view.event() for view in views]


def counting_reads(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every read of messages after a position (counted, then done for real)."""
    service = chat.runtime.service
    read = service.messages_after
    calls: list[int] = []

    async def counted(*args: Any, **kwargs: Any) -> list[MessageView]:
        calls.append(1)
        return await read(*args, **kwargs)

    monkeypatch.setattr(service, "messages_after", counted)
    return calls


async def received(
    sources: list[AsyncGenerator[Any, None]], firsts: list[asyncio.Future[Any]], count: int
) -> list[list[int]]:
    got = []
    for source, first in zip(sources, firsts, strict=True):
        async with asyncio.timeout(10):
            head = await first
        got.append([head.seq] + [m.seq for m in await take(source, count - 1)])
        await source.aclose()
    return got


async def publishing(
    chat: Chat, monkeypatch: pytest.MonkeyPatch, order: list[int]
) -> tuple[list[list[int]], list[int]]:
    """Three messages committed, their events then published in ``order`` (indexes; a
    missing one is lost): what 20 subscribers received, and the reads of messages made."""
    owner, room, sources, firsts = await room_with_listeners(chat)
    events = await sent_unpublished(chat, monkeypatch, owner, room, 3)
    reads = counting_reads(chat, monkeypatch)
    hub = chat.runtime.service.hub
    channel = hub.conversation_channel(int(room))
    for index in order:
        await hub.publish([(channel, events[index])])
    return await received(sources, firsts, 3), reads


async def test_events_published_out_of_order_reach_every_subscriber_in_order_unread(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    got, reads = await publishing(chat, monkeypatch, [2, 1, 0])

    assert got == [[1, 2, 3]] * SUBSCRIBERS
    assert reads == []  # nobody went to the database


async def test_a_missing_event_is_read_once_for_every_subscriber_of_the_process(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    got, reads = await publishing(chat, monkeypatch, [0, 2])  # 2 is lost

    assert got == [[1, 2, 3]] * SUBSCRIBERS
    assert len(reads) == 1  # one read of the gap, not one per subscriber
