"""The two writes that must be atomic under concurrency, in each dialect's own syntax.

Both are single statements so that no read-then-write window exists: a second
``follow`` racing the first waits on the unique key and then inserts nothing; a
counter row is created or incremented under one exclusive row lock (an
``INSERT IGNORE`` followed by an ``UPDATE`` would take a shared lock first and
deadlock two followers of the same user).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from subgraphs.social.models import Follow, FollowCounts


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def insert_edge(
    session: AsyncSession, follower_id: int, followee_id: int, created_at: datetime
) -> bool:
    """Add the edge unless it exists; whether a row was added."""
    values = {"follower_id": follower_id, "followee_id": followee_id, "created_at": created_at}
    statement: Insert
    if _is_sqlite(session):
        statement = sqlite.insert(Follow).values(values).on_conflict_do_nothing()
    else:
        statement = mysql.insert(Follow).values(values).prefix_with("IGNORE")
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def add_to_counts(
    session: AsyncSession, follower_id: int, followee_id: int, delta: int
) -> None:
    """Move the follower's ``following_count`` and the followee's ``follower_count`` by ``delta``.

    Rows are written in id order, so two transactions touching the same pair of
    users lock them in the same order. A negative ``delta`` only ever follows an
    edge that exists, whose counter rows therefore exist too.
    """
    rows = sorted(
        [
            {"user_id": follower_id, "follower_count": 0, "following_count": delta},
            {"user_id": followee_id, "follower_count": delta, "following_count": 0},
        ],
        key=lambda row: row["user_id"],
    )
    counts = FollowCounts.__table__.c
    if _is_sqlite(session):
        lite = sqlite.insert(FollowCounts).values(rows)
        statement: Insert = lite.on_conflict_do_update(
            index_elements=[counts.user_id],
            set_={
                "follower_count": counts.follower_count + lite.excluded.follower_count,
                "following_count": counts.following_count + lite.excluded.following_count,
            },
        )
    else:
        my = mysql.insert(FollowCounts).values(rows)
        statement = my.on_duplicate_key_update(
            follower_count=counts.follower_count + my.inserted.follower_count,
            following_count=counts.following_count + my.inserted.following_count,
        )
    await session.execute(statement)
