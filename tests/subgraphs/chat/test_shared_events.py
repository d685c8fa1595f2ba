"""A message reaching many subscribers is executed once per query shape: the shared fields
once for all of them, the fields that read the viewer once per subscriber."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection
from typing import Any

import pytest
from starlette.requests import Request
from strawberry.types import ExecutionResult

from shared.graphql.context import Caller
from shared.graphql.event_sharing import EventSharing
from subgraphs.chat.context import ChatContext
from subgraphs.chat.schema import build_schema
from subgraphs.chat.views import ConversationId, ConversationView
from tests.subgraphs.chat.conftest import JOIN, Chat

WITH_VIEWER = """subscription($c: ID!) { messageReceived(conversationId: $c, since: 0) {
  seq body sender { id } conversation { title viewerUnreadCount } } }"""
SHARED_ONLY = """subscription($c: ID!) { messageReceived(conversationId: $c, since: 0) {
  seq body } }"""


def context(chat: Chat, user: str) -> ChatContext:
    token = chat.runtime.tokens.issue(user)
    scope: dict[str, Any] = {
        "type": "http",
        "headers": [(b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 1),
    }
    return ChatContext.of(chat.runtime, Caller.of(Request(scope), chat.runtime.tokens, None))


async def received(
    schema: Any, chat: Chat, user: str, query: str, room: str, count: int
) -> list[dict[str, Any]]:
    stream = await schema.subscribe(query, {"c": room}, context(chat, user))
    assert not isinstance(stream, ExecutionResult), stream
    results: list[dict[str, Any]] = []
    async with asyncio.timeout(10):
        async for result in stream:
            assert result.errors is None, result.errors
            results.append(result.data["messageReceived"])
            if len(results) == count:
                break
    await stream.aclose()
    return results


@pytest.fixture
def conversation_reads(chat: Chat, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[list[Any]]:
    """Every read of conversations by id the service makes (counted, then done for real)."""
    service = chat.runtime.service
    read = service.conversations_by_id
    calls: list[Any] = []

    async def counted(
        ids: Collection[ConversationId], **kwargs: Any
    ) -> dict[ConversationId, ConversationView]:
        calls.append(list(ids))
        return await read(ids, **kwargs)

    monkeypatch.setattr(service, "conversations_by_id", counted)
    return calls  # type: ignore[return-value]


async def test_viewers_share_what_does_not_depend_on_them_and_get_their_own_counts(
    chat: Chat, conversation_reads: list[Any]
) -> None:
    schema = build_schema()
    sharing: EventSharing = schema.execution_context_class._sharing  # type: ignore[attr-defined]
    alice, bob = chat.members(2)
    room = await chat.room(alice, "Shared")
    await chat.data(JOIN, bob, c=room)
    await chat.send(alice, room, "one")
    await chat.send(alice, room, "two")

    got = await asyncio.gather(
        received(schema, chat, alice, WITH_VIEWER, room, 2),
        received(schema, chat, bob, WITH_VIEWER, room, 2),
    )

    by = dict(zip((alice, bob), got, strict=True))
    # Alice sent both (nothing unread); Bob has read neither.
    assert [m["conversation"]["viewerUnreadCount"] for m in by[alice]] == [0, 0]
    assert [m["conversation"]["viewerUnreadCount"] for m in by[bob]] == [2, 2]
    for message in (*by[alice], *by[bob]):
        message["conversation"].pop("viewerUnreadCount")
    assert (
        by[alice]
        == by[bob]
        == [
            {"seq": n, "body": body, "sender": {"id": alice}, "conversation": {"title": "Shared"}}
            for n, body in ((1, "one"), (2, "two"))
        ]
    )
    # The shared part ran once per message: one execution, one read of the conversation.
    assert sharing.executions == 2
    assert len(conversation_reads) == 2


async def test_a_selection_without_viewer_fields_is_executed_once_for_every_subscriber(
    chat: Chat, conversation_reads: list[Any]
) -> None:
    schema = build_schema()
    sharing: EventSharing = schema.execution_context_class._sharing  # type: ignore[attr-defined]
    owner, *members = chat.members(5)
    room = await chat.room(owner, "Quiet")
    for member in members:
        await chat.data(JOIN, member, c=room)
    await chat.send(owner, room, "hello")

    got = await asyncio.gather(
        *(received(schema, chat, member, SHARED_ONLY, room, 1) for member in members),
        received(schema, chat, owner, WITH_VIEWER, room, 1),
    )

    assert got[:-1] == [[{"seq": 1, "body": "hello"}]] * len(members)
    assert got[-1][0]["conversation"]["viewerUnreadCount"] == 0
    # Two shapes, so two executions for six subscribers.
    assert sharing.executions == 2
    assert len(conversation_reads) == 1
