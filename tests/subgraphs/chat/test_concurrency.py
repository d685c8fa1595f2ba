"""Under concurrent writers, on MariaDB: sequence numbers stay gap-free, retries make one
message and a room never goes past its member limit."""

from __future__ import annotations

import asyncio

from sqlalchemy import select
from sqlalchemy.engine import URL

from subgraphs.chat.models import Message
from tests.subgraphs.chat.conftest import INVITE, JOIN, SEND, close_chat, make_chat


async def test_concurrent_senders_get_a_total_gap_free_order(
    chat_mysql_url: URL, redis_prefix: str
) -> None:
    chat = make_chat(chat_mysql_url, redis_prefix, chat_send_limit=1000)
    try:
        senders = chat.members(6)
        room = await chat.room(senders[0], "Crowd")
        for member in senders[1:]:
            await chat.data(JOIN, member, c=room)

        async def burst(member: str) -> list[int]:
            seqs = []
            for n in range(8):
                sent = await chat.send(member, room, f"{member}-{n}", key=f"{member}-{n}")
                seqs.append(sent["seq"])
            return seqs

        per_sender = await asyncio.gather(*(burst(member) for member in senders))
        everything = sorted(seq for seqs in per_sender for seq in seqs)
        assert everything == list(range(1, 6 * 8 + 1))
        for seqs in per_sender:  # each sender's own messages in the order it sent them
            assert seqs == sorted(seqs)
        async with chat.runtime.database.transaction() as session:
            stored = list(
                await session.execute(
                    select(Message.seq, Message.id)
                    .where(Message.conversation_id == int(room))
                    .order_by(Message.seq)
                )
            )
        assert [seq for seq, _ in stored] == everything
        # Commit order is sequence order: ids were allocated in the same order.
        assert [id_ for _, id_ in stored] == sorted(id_ for _, id_ in stored)
    finally:
        await close_chat(chat)


async def test_concurrent_retries_of_one_message_make_one_message(
    chat_mysql_url: URL, redis_prefix: str
) -> None:
    chat = make_chat(chat_mysql_url, redis_prefix, chat_send_limit=1000)
    try:
        ada, bob = chat.members(2)
        conversation = await chat.direct(ada, bob)
        answers = await asyncio.gather(
            *(chat.data(SEND, ada, c=conversation, k="same", b="hello") for _ in range(8))
        )
        assert len({answer["sendMessage"]["id"] for answer in answers}) == 1
        assert {answer["sendMessage"]["seq"] for answer in answers} == {1}
    finally:
        await close_chat(chat)


async def test_concurrent_joins_stop_at_the_member_limit(
    chat_mysql_url: URL, redis_prefix: str
) -> None:
    chat = make_chat(chat_mysql_url, redis_prefix, chat_group_member_limit=4)
    try:
        owner, *others = chat.members(9)
        group = await chat.room(owner, "Small", public=False)
        for member in others:
            await chat.data(INVITE, owner, c=group, u=member)
        answers = await asyncio.gather(*(chat.execute(JOIN, member, c=group) for member in others))
        joined = [a for a in answers if "errors" not in a]
        refused = [a["errors"][0]["extensions"]["code"] for a in answers if "errors" in a]
        assert len(joined) == 3 and refused == ["CONFLICT"] * 5
        counts = {a["data"]["joinRoom"]["memberCount"] for a in joined}
        assert counts == {2, 3, 4}
    finally:
        await close_chat(chat)
