"""Sending, paging and reading messages through the chat schema; the events they record."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, select

from shared.events.tables import OUTBOX
from tests.subgraphs.chat.conftest import JOIN, SEND, Chat, close_chat, make_chat
from tests.support.graphql import error_of

pytestmark = pytest.mark.sqlite

PAGE = """query($id: ID!, $after: String, $before: String, $first: Int, $last: Int) {
  conversation(id: $id) { messages(after: $after, before: $before, first: $first, last: $last) {
    edges { node { seq body } } pageInfo { hasNextPage hasPreviousPage } totalCount } } }"""
UNREAD = """query($id: ID!) { conversation(id: $id) { viewerUnreadCount viewerLastReadSeq
  lastMessage { seq body } } chatUnreadCount }"""
READ = """mutation($c: ID!, $s: Int!) { markConversationRead(conversationId: $c, seq: $s) {
  viewerUnreadCount viewerLastReadSeq } }"""


async def test_messages_are_numbered_one_two_three_per_conversation(chat: Chat) -> None:
    ada, bob, cy = chat.members(3)
    one = await chat.direct(ada, bob)
    two = await chat.direct(ada, cy)
    assert [(await chat.send(ada, one, f"m{n}"))["seq"] for n in range(3)] == [1, 2, 3]
    assert (await chat.send(cy, two, "other"))["seq"] == 1
    sent = await chat.send(bob, one, "  reply  ")
    assert sent["seq"] == 4 and sent["body"] == "reply" and sent["sender"] == {"id": bob}


async def test_a_retry_with_the_same_client_id_returns_the_same_message(chat: Chat) -> None:
    ada, bob = chat.members(2)
    conversation = await chat.direct(ada, bob)
    first = await chat.send(ada, conversation, "once", key="retry-1")
    again = await chat.send(ada, conversation, "once", key="retry-1")
    assert again == first
    assert (await chat.send(bob, conversation, "theirs", key="retry-1"))["seq"] == 2
    page = await chat.data(PAGE, ada, id=conversation)
    assert page["conversation"]["messages"]["totalCount"] == 2


async def test_a_send_to_a_room_is_five_statements_and_its_retry_two(chat: Chat) -> None:
    owner = chat.members(1)[0]
    room = await chat.room(owner, "Counted")
    engine = chat.runtime.database.engine.sync_engine
    statements: list[str] = []

    def seen(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        if statement != "BEGIN IMMEDIATE":  # SQLite's way of taking the write lock up front
            statements.append(statement.split()[0].upper())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        sent = await chat.send(owner, room, "hello", key="counted")
        # Lock the room and the sender's membership, and look for an earlier attempt, in
        # one; then the message, the room's last message, the sender's read mark, the event.
        assert statements == ["SELECT", "INSERT", "UPDATE", "UPDATE", "INSERT"]
        statements.clear()
        assert await chat.send(owner, room, "hello", key="counted") == sent
        assert statements == ["SELECT", "SELECT"]
    finally:
        event.remove(engine, "before_cursor_execute", seen)


async def test_bodies_and_client_ids_are_bounded(chat: Chat) -> None:
    ada, bob = chat.members(2)
    conversation = await chat.direct(ada, bob)
    for key, body, field in (
        ("k", "   ", "body"),
        ("k", "x" * 2001, "body"),
        ("has space", "hi", "clientMessageId"),
        ("k" * 65, "hi", "clientMessageId"),
    ):
        answer = await chat.execute(SEND, ada, c=conversation, k=key, b=body)
        assert error_of(answer)["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert (await chat.send(ada, conversation, "x" * 2000))["seq"] == 1


async def test_only_members_send_and_read(chat: Chat) -> None:
    ada, bob, eve = chat.members(3)
    conversation = await chat.direct(ada, bob)
    room = await chat.room(ada, "Lobby")
    assert (
        error_of(await chat.execute(SEND, eve, c=conversation, k="k", b="hi"))["extensions"]["code"]
        == "FORBIDDEN"
    )
    assert (
        error_of(await chat.execute(SEND, eve, c=room, k="k", b="hi"))["extensions"]["code"]
        == "FORBIDDEN"
    )
    reading = await chat.execute(PAGE, eve, id=room)
    assert error_of(reading)["extensions"]["code"] == "FORBIDDEN"
    missing = await chat.execute(SEND, eve, c="999999", k="k", b="hi")
    assert error_of(missing)["extensions"]["code"] == "NOT_FOUND"


async def test_messages_page_by_sequence_number(chat: Chat) -> None:
    ada, bob = chat.members(2)
    conversation = await chat.direct(ada, bob)
    for n in range(1, 8):
        await chat.send(ada, conversation, f"m{n}")

    async def page(**bounds: int) -> tuple[list[int], bool, bool]:
        cursors = {k: str(v) if k in ("after", "before") else v for k, v in bounds.items()}
        found = (await chat.data(PAGE, bob, id=conversation, **cursors))["conversation"]["messages"]
        info = found["pageInfo"]
        seqs = [e["node"]["seq"] for e in found["edges"]]
        return seqs, info["hasPreviousPage"], info["hasNextPage"]

    assert await page() == ([1, 2, 3, 4, 5, 6, 7], False, False)
    assert await page(last=3) == ([5, 6, 7], True, False)
    assert await page(last=3, before=5) == ([2, 3, 4], True, False)
    assert await page(last=3, before=3) == ([1, 2], False, False)
    assert await page(first=2, after=5) == ([6, 7], False, False)
    assert await page(first=2, after=2) == ([3, 4], False, True)
    assert await page(first=2, after=0) == ([1, 2], False, True)
    both = await chat.execute(PAGE, bob, id=conversation, first=1, last=1)
    assert error_of(both)["extensions"]["field"] == "last"
    bad = await chat.execute(PAGE, bob, id=conversation, after="seven")
    assert error_of(bad)["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_unread_counts_per_conversation_and_in_total(chat: Chat) -> None:
    ada, bob, cy = chat.members(3)
    with_bob = await chat.direct(ada, bob)
    with_cy = await chat.direct(ada, cy)
    room = await chat.room(cy, "Busy room")
    await chat.data(JOIN, ada, c=room)
    for n in range(3):
        await chat.send(bob, with_bob, f"b{n}")
    await chat.send(cy, with_cy, "c0")
    await chat.send(cy, room, "rooms are not in the total")
    seen = await chat.data(UNREAD, ada, id=with_bob)
    assert seen["conversation"]["viewerUnreadCount"] == 3
    assert seen["conversation"]["lastMessage"] == {"seq": 3, "body": "b2"}
    assert seen["chatUnreadCount"] == 4
    room_seen = await chat.data(UNREAD, ada, id=room)
    assert room_seen["conversation"]["viewerUnreadCount"] == 1
    # Reading moves forward only, never past the end.
    assert (await chat.data(READ, ada, c=with_bob, s=2))["markConversationRead"] == {
        "viewerUnreadCount": 1,
        "viewerLastReadSeq": 2,
    }
    assert (await chat.data(READ, ada, c=with_bob, s=1))["markConversationRead"][
        "viewerLastReadSeq"
    ] == 2
    assert (await chat.data(READ, ada, c=with_bob, s=99))["markConversationRead"] == {
        "viewerUnreadCount": 0,
        "viewerLastReadSeq": 3,
    }
    # Replying marks everything before one's own message read.
    await chat.send(ada, with_cy, "thanks")
    assert (await chat.data(UNREAD, ada, id=with_cy))["chatUnreadCount"] == 0
    assert (await chat.data(UNREAD, cy, id=with_cy))["conversation"]["viewerUnreadCount"] == 1


async def test_sending_and_reading_record_their_events(chat: Chat) -> None:
    ada, bob, cy = chat.members(3)
    conversation = await chat.direct(ada, bob)
    room = await chat.room(ada, "Lobby")
    await chat.data(JOIN, cy, c=room)
    sent = await chat.send(ada, conversation, "hello")
    await chat.send(ada, room, "all")
    await chat.data(READ, bob, c=conversation, s=1)
    async with chat.runtime.database.transaction() as session:
        rows = (
            await session.execute(
                select(OUTBOX.c.event_type, OUTBOX.c.payload).where(
                    OUTBOX.c.aggregate_id.in_([conversation, room])
                )
            )
        ).all()
    payloads = [(kind, json.loads(payload)) for kind, payload in rows]
    for _, payload in payloads:
        payload.pop("at", None)
    assert payloads == [
        (
            "MessageSent",
            {
                "conversationId": int(conversation),
                "kind": "DIRECT",
                "messageId": int(sent["id"]),
                "seq": 1,
                "senderId": int(ada),
                "recipientIds": [int(bob)],
            },
        ),
        (
            "MessageSent",
            {
                "conversationId": int(room),
                "kind": "ROOM",
                "messageId": payloads[1][1]["messageId"],
                "seq": 1,
                "senderId": int(ada),
                "recipientIds": [],
            },
        ),
        (
            "ConversationRead",
            {"conversationId": int(conversation), "userId": int(bob), "seq": 1, "unread": 0},
        ),
    ]


async def test_a_member_sending_too_fast_is_told_when_to_retry(
    chat_mysql_url: object, redis_prefix: str
) -> None:
    limited = make_chat(chat_mysql_url, redis_prefix, chat_send_limit=3)  # type: ignore[arg-type]
    try:
        ada, bob = limited.members(2)
        conversation = await limited.direct(ada, bob)
        for n in range(3):
            await limited.send(ada, conversation, f"m{n}")
        refused = await limited.execute(SEND, ada, c=conversation, k="k4", b="one more")
        error = error_of(refused)
        assert error["extensions"]["code"] == "RATE_LIMITED"
        assert 1 <= error["extensions"]["retryAfter"] <= 10
        assert (await limited.send(bob, conversation, "bob is not limited"))["seq"] == 4
    finally:
        await close_chat(limited)
