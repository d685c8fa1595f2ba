"""The writes that must be single statements under concurrency, in each dialect's own syntax.

``ensure_group`` creates a group's row or, when it exists, takes its
exclusive lock in the same statement: MariaDB's ``INSERT … ON DUPLICATE KEY
UPDATE`` locks the existing row exclusively at once, where ``INSERT IGNORE``
would take a shared lock first and deadlock two consumers adding to one
group. ``count_messages`` adds one unread message for many members at once
unless they have read past it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import case
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from subgraphs.notifications.models import ChatUnread, Notification


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def ensure_group(session: AsyncSession, values: Mapping[str, Any]) -> None:
    """Insert the group's row from ``values`` unless (recipient, group key) exists; lock it."""
    statement: Insert
    if _is_sqlite(session):
        statement = sqlite.insert(Notification).values(dict(values)).on_conflict_do_nothing()
    else:
        upsert = mysql.insert(Notification).values(dict(values))
        statement = upsert.on_duplicate_key_update(recipient_id=upsert.inserted.recipient_id)
    await session.execute(statement)


async def count_messages(
    session: AsyncSession, members: Collection[int], conversation: int, seq: int
) -> None:
    """One more unread message in ``conversation`` for each member who has not read up to ``seq``."""
    rows = [
        {"user_id": m, "conversation_id": conversation, "unread": 1, "read_seq": 0} for m in members
    ]
    unread = ChatUnread.__table__.c.unread
    read_seq = ChatUnread.__table__.c.read_seq
    if _is_sqlite(session):
        lite = sqlite.insert(ChatUnread).values(rows)
        statement: Insert = lite.on_conflict_do_update(
            index_elements=["user_id", "conversation_id"],
            set_={"unread": case((read_seq < seq, unread + 1), else_=unread)},
        )
    else:
        statement = (
            mysql.insert(ChatUnread)
            .values(rows)
            .on_duplicate_key_update(unread=case((read_seq < seq, unread + 1), else_=unread))
        )
    await session.execute(statement)


async def read_up_to(
    session: AsyncSession, member: int, conversation: int, seq: int, unread: int
) -> None:
    """The member read ``conversation`` up to ``seq`` and has ``unread`` left, unless a later
    read was already recorded."""
    row = {"user_id": member, "conversation_id": conversation, "unread": unread, "read_seq": seq}
    columns = ChatUnread.__table__.c
    newer = columns.read_seq <= seq
    if _is_sqlite(session):
        lite = sqlite.insert(ChatUnread).values(row)
        statement: Insert = lite.on_conflict_do_update(
            index_elements=["user_id", "conversation_id"],
            set_={
                "unread": case((newer, unread), else_=columns.unread),
                "read_seq": case((newer, seq), else_=columns.read_seq),
            },
        )
    else:
        # MariaDB assigns left to right, each seeing the ones before: unread goes first,
        # while read_seq still holds the old value.
        statement = (
            mysql.insert(ChatUnread)
            .values(row)
            .on_duplicate_key_update(
                [
                    ("unread", case((newer, unread), else_=columns.unread)),
                    ("read_seq", case((newer, seq), else_=columns.read_seq)),
                ]
            )
        )
    await session.execute(statement)
