"""A burst of 2,000 subscribes to one room: their database reads queue in the process
(``BEYOND_CHAT_STREAM_READS`` at a time), none is refused for want of a pooled connection."""

from __future__ import annotations

import asyncio

from sqlalchemy import insert
from sqlalchemy.engine import URL

from shared.db import utcnow
from subgraphs.chat.models import Member
from tests.subgraphs.chat.conftest import close_chat, make_chat
from tests.subgraphs.chat.test_live import stream

BURST = 2_000


async def test_two_thousand_subscribes_at_once_all_complete(
    chat_mysql_url: URL, redis_prefix: str
) -> None:
    # A pooled connection must come within 50 ms: 2,000 reads at once on a pool of 15
    # would wait far longer for theirs.
    chat = make_chat(chat_mysql_url, redis_prefix, database_checkout_timeout=0.05)
    try:
        owner, *members = chat.members(BURST + 1)
        room = await chat.room(owner, "Burst")
        async with chat.runtime.database.transaction() as session:
            await session.execute(
                insert(Member),
                [
                    {
                        "conversation_id": int(room),
                        "user_id": int(member),
                        "last_read_seq": 0,
                        "joined_at": utcnow(),
                    }
                    for member in members
                ],
            )
        await chat.send(owner, room, "welcome")
        sources = [stream(chat, member, room, 0) for member in members]

        firsts = await asyncio.wait_for(
            asyncio.gather(*(anext(source) for source in sources), return_exceptions=True), 120
        )

        refused = [first for first in firsts if isinstance(first, BaseException)]
        assert refused == []
        assert {(first.seq, first.body) for first in firsts} == {(1, "welcome")}
        for source in sources:
            await source.aclose()
    finally:
        await close_chat(chat)
