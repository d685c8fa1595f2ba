"""Live delivery: replay then live with no gap or repeat under concurrent senders, removal,
a slow subscriber, conversation activity, and the hub's one Redis subscription per channel."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator
from typing import Any

import pytest
from sqlalchemy.engine import URL

from shared.errors import Forbidden
from shared.ids import UserId
from subgraphs.chat.live import Listener, SubscriberTooSlow
from subgraphs.chat.streams import Subscriber, activity_stream, message_stream
from subgraphs.chat.views import ConversationId
from tests.subgraphs.chat.conftest import JOIN, Chat, close_chat, make_chat

REMOVE = "mutation($c: ID!, $u: ID!) { removeFromRoom(conversationId: $c, userId: $u) { id } }"
READ = "mutation($c: ID!, $s: Int!) { markConversationRead(conversationId: $c, seq: $s) { id } }"


def subscriber(user: str, capacity: int = 256) -> Subscriber:
    return Subscriber(UserId(int(user)), time.time() + 60, capacity)


def stream(
    chat: Chat, user: str, conversation: str, since: int | None
) -> AsyncGenerator[Any, None]:
    return message_stream(
        chat.runtime.service,
        chat.runtime.database,
        subscriber(user),
        ConversationId(int(conversation)),
        since,
    )


async def take(source: AsyncGenerator[Any, None], count: int) -> list[Any]:
    async with asyncio.timeout(10):
        return [await anext(source) for _ in range(count)]


async def test_replay_then_live_under_concurrent_senders_has_no_gap_and_no_repeat(
    chat_mysql_url: URL, redis_prefix: str
) -> None:
    chat = make_chat(chat_mysql_url, redis_prefix, chat_send_limit=1000)
    try:
        owner, *senders = chat.members(4)
        room = await chat.room(owner, "Busy")
        for member in senders:
            await chat.data(JOIN, member, c=room)
        for n in range(5):
            await chat.send(owner, room, f"early {n}")

        async def burst(member: str) -> None:
            for n in range(10):
                await chat.send(member, room, f"{member} {n}")

        # Subscribing (replaying 3..5) while three members keep sending.
        senders_done = asyncio.gather(*(burst(member) for member in senders))
        source = stream(chat, owner, room, 2)
        got = await take(source, 3 + 30)
        await senders_done
        await source.aclose()
        assert [m.seq for m in got] == list(range(3, 36))
    finally:
        await close_chat(chat)


async def test_a_removed_member_stops_receiving_at_once(chat: Chat) -> None:
    owner, bob = chat.members(2)
    room = await chat.room(owner, "Lobby")
    await chat.data(JOIN, bob, c=room)
    source = stream(chat, bob, room, 0)
    waiting = asyncio.ensure_future(anext(source))
    await asyncio.sleep(0.2)
    await chat.send(owner, room, "hello")
    assert (await asyncio.wait_for(waiting, 5)).body == "hello"
    nxt = asyncio.ensure_future(anext(source))
    await chat.data(REMOVE, owner, c=room, u=bob)
    with pytest.raises(Forbidden, match="no longer a member"):
        await asyncio.wait_for(nxt, 5)


async def test_an_outsider_cannot_subscribe(chat: Chat) -> None:
    owner, bob, eve = chat.members(3)
    conversation = await chat.direct(owner, bob)
    with pytest.raises(Forbidden):
        await anext(stream(chat, eve, conversation, 0))


async def test_a_subscriber_too_far_behind_is_ended_not_buffered() -> None:
    listener = Listener(capacity=3)
    for n in range(5):
        listener.deliver({"seq": n})
    with pytest.raises(SubscriberTooSlow) as ended:
        await listener.next()
    assert ended.value.extensions["reason"] == "SLOW_SUBSCRIBER"
    assert "since" in ended.value.message


async def test_a_slow_stream_ends_with_a_clear_reason(
    chat_mysql_url: URL, redis_prefix: str
) -> None:
    chat = make_chat(chat_mysql_url, redis_prefix, chat_send_limit=1000)
    try:
        ada, bob = chat.members(2)
        conversation = await chat.direct(ada, bob)
        source = message_stream(
            chat.runtime.service,
            chat.runtime.database,
            subscriber(bob, capacity=2),
            ConversationId(int(conversation)),
            None,
        )
        first = asyncio.ensure_future(anext(source))
        await asyncio.sleep(0.2)
        for n in range(6):  # the subscriber reads nothing while these arrive
            await chat.send(ada, conversation, f"m{n}")
        await asyncio.sleep(0.3)
        assert (await first).seq == 1
        with pytest.raises(SubscriberTooSlow):
            await take(source, 6)
    finally:
        await close_chat(chat)


async def test_activity_tells_each_member_of_messages_and_reads(chat: Chat) -> None:
    ada, bob = chat.members(2)
    conversation = await chat.direct(ada, bob)
    source = activity_stream(chat.runtime.service, subscriber(bob))
    first = asyncio.ensure_future(anext(source))
    await asyncio.sleep(0.2)
    await chat.send(ada, conversation, "ping")
    await chat.data(READ, bob, c=conversation, s=1)
    events = [await asyncio.wait_for(first, 5), *await take(source, 1)]
    await source.aclose()
    assert [e["type"] for e in events] == ["activity", "read"]
    assert events[0]["message"]["body"] == "ping" and events[1]["seq"] == 1


async def test_one_redis_subscription_per_channel_however_many_listen(chat: Chat) -> None:
    hub = chat.runtime.service.hub
    channel = hub.conversation_channel(1)
    async with contextlib.AsyncExitStack() as stack:
        listeners = [await stack.enter_async_context(hub.listen([channel], 8)) for _ in range(50)]
        assert hub.channel_count == 1
        numsub = dict(await chat.runtime.redis.pubsub_numsub(channel))
        assert numsub[channel] == 1
        await hub.publish([(channel, {"type": "message", "seq": 1})])
        delivered = await asyncio.gather(*(asyncio.wait_for(x.next(), 5) for x in listeners))
        assert delivered == [{"type": "message", "seq": 1}] * 50
    assert hub.channel_count == 0


async def streaming_with_one_lost(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str, AsyncGenerator[Any, None]]:
    """Bob's stream of his conversation with Ada, which got message 1 live, while message 2
    was committed but its publish lost: (Ada, the conversation, the stream)."""
    ada, bob = chat.members(2)
    conversation = await chat.direct(ada, bob)
    source = stream(chat, bob, conversation, None)
    first = asyncio.ensure_future(anext(source))
    await asyncio.sleep(0.2)
    await chat.send(ada, conversation, "one")
    assert (await asyncio.wait_for(first, 5)).seq == 1
    hub = chat.runtime.service.hub
    publish = hub.publish

    async def dropped(events: object) -> None:
        """Lost on the way: nothing reaches any subscriber."""

    monkeypatch.setattr(hub, "publish", dropped)
    await chat.send(ada, conversation, "lost")
    monkeypatch.setattr(hub, "publish", publish)
    return ada, conversation, source


async def test_a_message_pub_sub_dropped_is_read_from_the_database_at_the_next_one(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, conversation, source = await streaming_with_one_lost(chat, monkeypatch)
    await chat.send(ada, conversation, "three")
    got = await take(source, 2)
    await source.aclose()
    assert [(m.seq, m.body) for m in got] == [(2, "lost"), (3, "three")]


async def test_a_lost_redis_connection_is_resubscribed_and_what_it_missed_is_read(
    chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    ada, conversation, source = await streaming_with_one_lost(chat, monkeypatch)
    pubsub = chat.runtime.service.hub._pubsub
    assert pubsub is not None and pubsub.connection is not None
    await pubsub.connection.disconnect()  # the hub's subscribing connection drops
    # No further message: the resubscription alone makes the stream read what it missed.
    assert [(m.seq, m.body) for m in await take(source, 1)] == [(2, "lost")]
    await chat.send(ada, conversation, "after")  # and it is live again
    assert [(m.seq, m.body) for m in await take(source, 1)] == [(3, "after")]
    await source.aclose()
