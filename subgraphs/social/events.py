"""Events social announces, recorded in the outbox in the transaction of the change.

    UserFollowed    {"followerId": int, "followeeId": int, "at": ISO-8601 UTC}
    UserUnfollowed  {"followerId": int, "followeeId": int, "at": ISO-8601 UTC}

Both have the follower as aggregate (``user``/<follower id>): the follower's
counter row is locked by the change, so one user's follows and unfollows are
numbered in the outbox in the order they committed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import record_event

USER_FOLLOWED = "UserFollowed"
USER_UNFOLLOWED = "UserUnfollowed"


async def _record(
    session: AsyncSession, event_type: str, follower_id: int, followee_id: int, at: datetime
) -> None:
    await record_event(
        session,
        aggregate_type="user",
        aggregate_id=str(follower_id),
        event_type=event_type,
        payload={"followerId": follower_id, "followeeId": followee_id, "at": at.isoformat()},
    )


async def user_followed(
    session: AsyncSession, *, follower_id: int, followee_id: int, at: datetime
) -> None:
    await _record(session, USER_FOLLOWED, follower_id, followee_id, at)


async def user_unfollowed(
    session: AsyncSession, *, follower_id: int, followee_id: int, at: datetime
) -> None:
    await _record(session, USER_UNFOLLOWED, follower_id, followee_id, at)
