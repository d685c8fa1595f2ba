"""Conversations and rooms through the chat schema: who may see, join, leave and remove."""

from __future__ import annotations

import pytest

from tests.subgraphs.chat.conftest import INVITE, JOIN, Chat
from tests.support.graphql import error_of

pytestmark = pytest.mark.sqlite

CONVERSATION = (
    "query($id: ID!) { conversation(id: $id) { id kind title memberCount viewerIsMember } }"
)
LEAVE = "mutation($c: ID!) { leaveRoom(conversationId: $c) }"
REMOVE = (
    "mutation($c: ID!, $u: ID!) { removeFromRoom(conversationId: $c, userId: $u) { memberCount } }"
)
MINE = """query($n: Int) { conversations(first: $n) {
  edges { node { id } } pageInfo { hasNextPage endCursor } totalCount } }"""
MINE_AFTER = (
    "query($n: Int, $a: String) { conversations(first: $n, after: $a) { edges { node { id } } } }"
)


async def test_a_pair_has_one_direct_conversation_whoever_starts_it(chat: Chat) -> None:
    ada, bob = chat.members(2)
    first = await chat.direct(ada, bob)
    assert await chat.direct(bob, ada) == first
    assert await chat.direct(ada, bob) == first
    seen = (await chat.data(CONVERSATION, bob, id=first))["conversation"]
    assert seen == {
        "id": first,
        "kind": "DIRECT",
        "title": None,
        "memberCount": 2,
        "viewerIsMember": True,
    }


async def test_nobody_talks_to_themselves(chat: Chat) -> None:
    (ada,) = chat.members(1)
    body = await chat.execute(
        "mutation($u: ID!) { startConversation(userId: $u) { id } }", ada, u=ada
    )
    assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "userId"}


async def test_private_conversations_are_null_to_outsiders_and_public_rooms_are_not(
    chat: Chat,
) -> None:
    ada, bob, eve = chat.members(3)
    direct = await chat.direct(ada, bob)
    group = await chat.room(ada, "Team", public=False)
    room = await chat.room(ada, "Lobby", public=True)
    assert (await chat.data(CONVERSATION, eve, id=direct))["conversation"] is None
    assert (await chat.data(CONVERSATION, eve, id=group))["conversation"] is None
    assert (await chat.data(CONVERSATION, None, id=group))["conversation"] is None
    lobby = (await chat.data(CONVERSATION, eve, id=room))["conversation"]
    assert lobby["kind"] == "ROOM" and lobby["viewerIsMember"] is False


async def test_a_group_room_is_joined_by_invitation_only(chat: Chat) -> None:
    ada, bob, eve = chat.members(3)
    group = await chat.room(ada, "Team", public=False)
    refused = await chat.execute(JOIN, bob, c=group)
    assert error_of(refused)["extensions"]["code"] == "FORBIDDEN"
    outsider_invite = await chat.execute(INVITE, eve, c=group, u=bob)
    assert error_of(outsider_invite)["extensions"]["code"] == "FORBIDDEN"
    await chat.data(INVITE, ada, c=group, u=bob)
    assert (await chat.data(JOIN, bob, c=group))["joinRoom"]["memberCount"] == 2
    assert (await chat.data(JOIN, bob, c=group))["joinRoom"]["memberCount"] == 2  # again: no change


async def test_anyone_signed_in_joins_a_public_room_and_may_leave_it(chat: Chat) -> None:
    ada, bob = chat.members(2)
    room = await chat.room(ada, "Lobby")
    signed_out = await chat.execute(JOIN, None, c=room)
    assert error_of(signed_out)["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await chat.data(JOIN, bob, c=room))["joinRoom"]["memberCount"] == 2
    assert (await chat.data(LEAVE, bob, c=room))["leaveRoom"] == room
    assert (await chat.data(LEAVE, bob, c=room))["leaveRoom"] == room  # again: no change
    assert (await chat.data(CONVERSATION, ada, id=room))["conversation"]["memberCount"] == 1


async def test_only_the_owner_removes_members(chat: Chat) -> None:
    ada, bob, cy = chat.members(3)
    room = await chat.room(ada, "Lobby")
    await chat.data(JOIN, bob, c=room)
    await chat.data(JOIN, cy, c=room)
    refused = await chat.execute(REMOVE, bob, c=room, u=cy)
    assert error_of(refused)["extensions"]["code"] == "FORBIDDEN"
    assert (await chat.data(REMOVE, ada, c=room, u=cy))["removeFromRoom"]["memberCount"] == 2
    send = await chat.execute(
        'mutation($c: ID!) { sendMessage(conversationId: $c, clientMessageId: "x", body: "hi") { id } }',
        cy,
        c=room,
    )
    assert error_of(send)["extensions"]["code"] == "FORBIDDEN"


async def test_a_full_room_refuses_the_next_member(
    chat_mysql_url: object, redis_prefix: str
) -> None:
    from tests.subgraphs.chat.conftest import close_chat, make_chat

    small = make_chat(chat_mysql_url, redis_prefix, chat_group_member_limit=2)  # type: ignore[arg-type]
    try:
        ada, bob, cy = small.members(3)
        group = await small.room(ada, "Pair", public=False)
        await small.data(INVITE, ada, c=group, u=bob)
        await small.data(INVITE, ada, c=group, u=cy)
        await small.data(JOIN, bob, c=group)
        full = await small.execute(JOIN, cy, c=group)
        assert error_of(full)["extensions"]["code"] == "CONFLICT"
        assert "limit of 2 members" in error_of(full)["message"]
    finally:
        await close_chat(small)


async def test_my_conversations_come_newest_activity_first_in_pages(chat: Chat) -> None:
    ada, bob, cy, dee = chat.members(4)
    with_bob = await chat.direct(ada, bob)
    with_cy = await chat.direct(ada, cy)
    with_dee = await chat.direct(ada, dee)
    await chat.send(cy, with_cy, "later")
    await chat.send(bob, with_bob, "latest")
    first = (await chat.data(MINE, ada, n=2))["conversations"]
    assert [e["node"]["id"] for e in first["edges"]] == [with_bob, with_cy]
    assert first["pageInfo"]["hasNextPage"] is True and first["totalCount"] == 3
    rest = await chat.data(MINE_AFTER, ada, n=2, a=first["pageInfo"]["endCursor"])
    assert [e["node"]["id"] for e in rest["conversations"]["edges"]] == [with_dee]
