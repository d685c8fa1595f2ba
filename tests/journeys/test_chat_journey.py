"""Chat through the router on real sockets, over MariaDB and Redis: offline catch-up over
WebSocket and Server-Sent Events, a token expiring on a long-lived socket, and a message sent
through one chat replica reaching a subscriber on another."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL

from tests.router.http.sockets import Socket, socket
from tests.support.graph import domain_urls
from tests.support.live_chat import ChatGraph, chat_graph, event_stream

__all__ = ["domain_urls"]

START = "mutation($u: ID!) { startConversation(userId: $u) { id } }"
SEND = """mutation($c: ID!, $k: String!, $b: String!) {
  sendMessage(conversationId: $c, clientMessageId: $k, body: $b) { seq } }"""
RECEIVED = """subscription($c: ID!, $since: Int) {
  messageReceived(conversationId: $c, since: $since) { seq body sender { id nickname } } }"""


@pytest.fixture
async def live(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[ChatGraph]:
    async with chat_graph(tmp_path, domain_urls, redis_prefix) as served:
        yield served


async def pair(live: ChatGraph) -> tuple[tuple[str, str], tuple[str, str], str]:
    ada = await live.graph.register("Ada")
    bob = await live.graph.register("Bob")
    conversation = (await live.graph.data(START, ada[1], u=bob[0]))["startConversation"]["id"]
    return ada, bob, conversation


async def send(live: ChatGraph, token: str, conversation: str, body: str) -> int:
    sent = await live.graph.data(SEND, token, c=conversation, k=f"key-{body}", b=body)
    seq: int = sent["sendMessage"]["seq"]
    return seq


def subscribe(id: str, since: int | None, conversation: str) -> dict[str, Any]:
    variables = {"c": conversation, "since": since}
    return {"id": id, "type": "subscribe", "payload": {"query": RECEIVED, "variables": variables}}


async def received(ws: Socket) -> tuple[int, str]:
    message = await ws.receive()
    assert message["type"] == "next", message
    got = message["payload"]["data"]["messageReceived"]
    return got["seq"], got["body"]


async def test_offline_catch_up_over_websocket(live: ChatGraph) -> None:
    (ada_id, ada), (_, bob), conversation = await pair(live)
    async with socket(live.url) as ws:
        await ws.init({"authorization": f"Bearer {bob}"})
        await ws.send(subscribe("1", 0, conversation))
        await asyncio.sleep(0.3)  # subscribed (no event to wait for yet)
        await send(live, ada, conversation, "before")
        assert await received(ws) == (1, "before")
    # Bob is offline while Ada sends three messages.
    for body in ("one", "two", "three"):
        await send(live, ada, conversation, body)
    async with socket(live.url) as ws:
        await ws.init({"authorization": f"Bearer {bob}"})
        await ws.send(subscribe("2", 1, conversation))
        assert [await received(ws) for _ in range(3)] == [(2, "one"), (3, "two"), (4, "three")]
        await send(live, ada, conversation, "live")
        message = await ws.receive()
        assert message["payload"]["data"]["messageReceived"] == {
            "seq": 5,
            "body": "live",
            "sender": {"id": ada_id, "nickname": "Ada"},
        }
        await ws.nothing_for(0.3)  # nothing repeated at the seam


async def test_offline_catch_up_over_server_sent_events(live: ChatGraph) -> None:
    (_, ada), (_, bob), conversation = await pair(live)
    await send(live, ada, conversation, "seen")
    for body in ("one", "two", "three"):
        await send(live, ada, conversation, body)
    client = live.graph.client
    async with event_stream(client, RECEIVED, bob, c=conversation, since=1) as stream:
        got = [(await stream.next())["data"]["messageReceived"] for _ in range(3)]
        assert [(m["seq"], m["body"]) for m in got] == [(2, "one"), (3, "two"), (4, "three")]
        await send(live, ada, conversation, "live")
        assert (await stream.next())["data"]["messageReceived"]["seq"] == 5


async def test_an_expiring_token_ends_the_subscription_and_a_new_one_resumes_it(
    live: ChatGraph,
) -> None:
    (_, ada), (bob_id, _), conversation = await pair(live)
    short = live.token(bob_id, ttl=2)
    async with socket(live.url) as ws:
        await ws.init({"authorization": f"Bearer {short}"})
        await ws.send(subscribe("1", 0, conversation))
        await asyncio.sleep(0.3)
        await send(live, ada, conversation, "first")
        assert await received(ws) == (1, "first")
        ended = await ws.receive()
        assert ended["type"] == "error" and ended["id"] == "1"  # the operation is over
        (error,) = ended["payload"]
        assert error["extensions"] == {
            "code": "UNAUTHENTICATED",
            "reason": "EXPIRED",
            "serviceName": "chat",
        }
        assert "refresh it" in error["message"]
        await ws.send({"type": "ping"})
        assert await ws.receive() == {"type": "pong"}  # the socket itself stays open
    # Sent while the client refreshes its token.
    await send(live, ada, conversation, "meanwhile")
    fresh = live.token(bob_id, ttl=60)
    async with socket(live.url) as ws:
        await ws.init({"authorization": f"Bearer {fresh}"})
        await ws.send(subscribe("2", 1, conversation))
        assert await received(ws) == (2, "meanwhile")


async def test_a_message_sent_through_one_replica_reaches_a_subscriber_on_the_other(
    live: ChatGraph,
) -> None:
    (_, ada), (_, bob), conversation = await pair(live)
    other_router = await live.replica()
    async with socket(other_router) as ws:
        await ws.init({"authorization": f"Bearer {bob}"})
        await ws.send(subscribe("1", None, conversation))
        await asyncio.sleep(0.3)
        await send(live, ada, conversation, "across")  # through the first router and replica
        assert await received(ws) == (1, "across")
