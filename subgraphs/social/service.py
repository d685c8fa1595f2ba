"""The business rules of social. Functions take the session and never commit.

Following is idempotent: following someone already followed, or unfollowing
someone not followed, changes nothing and announces nothing. A change moves the
edge, both users' counters and the outbox event in the caller's one
transaction. Whether the target exists is asked of accounts (over gRPC) before
the first statement, so no database lock is held across the network call.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import ColumnElement, and_, delete, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shared.db import utcnow
from shared.errors import BadUserInput, NotFound
from shared.pagination import Position
from subgraphs.social import events
from subgraphs.social.models import Follow, FollowCounts
from subgraphs.social.upserts import add_to_counts, insert_edge

Pair = tuple[int, int]
"""(follower id, followee id)"""


class UserDirectory(Protocol):
    """Who exists: answered by accounts, which owns users."""

    async def existing(self, user_ids: Collection[int]) -> set[int]: ...


@dataclass(frozen=True, slots=True)
class Counts:
    followers: int = 0
    following: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    """One entry of a follow list: the user at the other end, and where the edge sits."""

    user_id: int
    position: Position


@dataclass(frozen=True, slots=True)
class Page:
    edges: list[Edge]
    has_next_page: bool


class SocialService:
    def __init__(self, *, directory: UserDirectory) -> None:
        self._directory = directory

    # -- following -----------------------------------------------------------

    async def follow(self, follower_id: int, followee_id: int, *, session: AsyncSession) -> bool:
        """Make ``follower_id`` follow ``followee_id``; whether anything changed."""
        await self._check_target(follower_id, followee_id, verb="follow")
        followed_at = utcnow()
        if not await insert_edge(session, follower_id, followee_id, followed_at):
            return False
        await add_to_counts(session, follower_id, followee_id, +1)
        await events.user_followed(
            session, follower_id=follower_id, followee_id=followee_id, at=followed_at
        )
        return True

    async def unfollow(
        self, follower_id: int, followee_id: int, *, session: AsyncSession
    ) -> bool:
        """Make ``follower_id`` stop following ``followee_id``; whether anything changed."""
        await self._check_target(follower_id, followee_id, verb="unfollow")
        removed = await session.execute(
            delete(Follow).where(
                Follow.follower_id == follower_id, Follow.followee_id == followee_id
            )
        )
        if not removed.rowcount:  # type: ignore[attr-defined]
            return False
        await add_to_counts(session, follower_id, followee_id, -1)
        await events.user_unfollowed(
            session, follower_id=follower_id, followee_id=followee_id, at=utcnow()
        )
        return True

    async def _check_target(self, follower_id: int, followee_id: int, *, verb: str) -> None:
        if follower_id == followee_id:
            raise BadUserInput(f"You cannot {verb} yourself.", field="userId")
        if followee_id not in await self._directory.existing([followee_id]):
            raise NotFound(f"There is no user with id {followee_id} to {verb}.")

    # -- reading -------------------------------------------------------------

    async def counts(self, user_ids: Iterable[int], *, session: AsyncSession) -> dict[int, Counts]:
        """Counters of each user, zero for users nobody follows and who follow nobody."""
        wanted = list(user_ids)
        rows = await session.execute(
            select(
                FollowCounts.user_id, FollowCounts.follower_count, FollowCounts.following_count
            ).where(FollowCounts.user_id.in_(wanted))
        )
        found = {user_id: Counts(followers, following) for user_id, followers, following in rows}
        return {user_id: found.get(user_id, Counts()) for user_id in wanted}

    async def existing_edges(self, pairs: Collection[Pair], *, session: AsyncSession) -> set[Pair]:
        """Which of these (follower, followee) edges exist, in one statement."""
        if not pairs:
            return set()
        rows = await session.execute(
            select(Follow.follower_id, Follow.followee_id).where(
                tuple_(Follow.follower_id, Follow.followee_id).in_(list(pairs))
            )
        )
        return {(follower, followee) for follower, followee in rows}

    async def followers(
        self, user_id: int, *, first: int, after: Position | None, session: AsyncSession
    ) -> Page:
        """Who follows ``user_id``, most recent first."""
        return await _page(
            Follow.followee_id == user_id, Follow.follower_id, first, after, session=session
        )

    async def following(
        self, user_id: int, *, first: int, after: Position | None, session: AsyncSession
    ) -> Page:
        """Whom ``user_id`` follows, most recently followed first."""
        return await _page(
            Follow.follower_id == user_id, Follow.followee_id, first, after, session=session
        )


async def _page(
    owner: ColumnElement[bool],
    other_end: InstrumentedAttribute[int],
    first: int,
    after: Position | None,
    *,
    session: AsyncSession,
) -> Page:
    """One keyset page; one row more than asked tells whether another page follows."""
    query = select(other_end, Follow.created_at, Follow.id).where(owner)
    if after is not None:
        query = query.where(
            or_(
                Follow.created_at < after.created_at,
                and_(Follow.created_at == after.created_at, Follow.id < after.id),
            )
        )
    rows = list(
        await session.execute(
            query.order_by(Follow.created_at.desc(), Follow.id.desc()).limit(first + 1)
        )
    )
    edges = [Edge(user_id, Position(created_at, id_)) for user_id, created_at, id_ in rows]
    return Page(edges=edges[:first], has_next_page=len(edges) > first)
