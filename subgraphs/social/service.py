"""The business rules of social. Functions take the session and never commit.

Following is idempotent: following someone already followed, or unfollowing
someone not followed, changes nothing and announces nothing. A change moves the
edge, both users' counters and the outbox event in the caller's one
transaction. Whether the target exists is asked of accounts (over gRPC) before
the first statement, so no database lock is held across the network call.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Select, and_, delete, literal, or_, select, tuple_, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.errors import BadUserInput, NotFound
from shared.ids import UserId
from shared.pagination import Position
from subgraphs.social import events
from subgraphs.social.models import Follow, FollowCounts
from subgraphs.social.upserts import add_to_counts, insert_edge

Pair = tuple[UserId, UserId]
"""(follower id, followee id)"""


class UserDirectory(Protocol):
    """Who exists: answered by accounts, which owns users."""

    async def existing(self, user_ids: Collection[int]) -> set[UserId]: ...


@dataclass(frozen=True, slots=True)
class Counts:
    followers: int = 0
    following: int = 0


@dataclass(frozen=True, slots=True)
class Edge:
    """One entry of a follow list: the user at the other end, and where the edge sits."""

    user_id: UserId
    position: Position


@dataclass(frozen=True, slots=True)
class Page:
    edges: list[Edge]
    has_next_page: bool


class SocialService:
    def __init__(self, *, directory: UserDirectory) -> None:
        self._directory = directory

    # -- following -----------------------------------------------------------

    async def follow(
        self, follower_id: UserId, followee_id: UserId, *, session: AsyncSession
    ) -> bool:
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
        self, follower_id: UserId, followee_id: UserId, *, session: AsyncSession
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

    async def _check_target(self, follower_id: UserId, followee_id: UserId, *, verb: str) -> None:
        if follower_id == followee_id:
            raise BadUserInput(f"You cannot {verb} yourself.", field="userId")
        if followee_id not in await self._directory.existing([followee_id]):
            raise NotFound(f"There is no user with id {followee_id} to {verb}.")

    # -- reading -------------------------------------------------------------

    async def counts(
        self, user_ids: Iterable[UserId], *, session: AsyncSession
    ) -> dict[UserId, Counts]:
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
        return {(UserId(follower), UserId(followee)) for follower, followee in rows}

    async def followers(
        self, user_id: UserId, *, first: int, after: Position | None, session: AsyncSession
    ) -> Page:
        """Who follows ``user_id``, most recent first."""
        key = (Direction.FOLLOWERS, user_id, first, after)
        return (await self.pages([key], session=session))[key]

    async def following(
        self, user_id: UserId, *, first: int, after: Position | None, session: AsyncSession
    ) -> Page:
        """Whom ``user_id`` follows, most recently followed first."""
        key = (Direction.FOLLOWING, user_id, first, after)
        return (await self.pages([key], session=session))[key]

    async def pages(self, keys: Sequence[PageKey], *, session: AsyncSession) -> dict[PageKey, Page]:
        """Keyset pages of many follow lists in one ``UNION ALL`` statement.

        Each part asks one row more than its page, which tells whether another
        page follows; the union's order is not guaranteed, so rows are sorted
        per part here.
        """
        wanted = list(dict.fromkeys(keys))
        parts = []
        for index, (direction, owner_id, first, after) in enumerate(wanted):
            one = _page_query(direction, owner_id, first, after).subquery()
            parts.append(
                select(one.c.user_id, one.c.created_at, one.c.id, literal(index).label("part"))
            )
        rows: dict[int, list[Edge]] = {index: [] for index in range(len(wanted))}
        if parts:
            statement = union_all(*parts) if len(parts) > 1 else parts[0]
            for user_id, created_at, id_, part in await session.execute(statement):
                rows[int(part)].append(Edge(UserId(user_id), Position(created_at, id_)))
        pages = {}
        for index, key in enumerate(wanted):
            first = key[2]
            edges = sorted(
                rows[index], key=lambda e: (e.position.created_at, e.position.id), reverse=True
            )
            pages[key] = Page(edges=edges[:first], has_next_page=len(edges) > first)
        return pages


class Direction(enum.Enum):
    FOLLOWERS = "followers"
    FOLLOWING = "following"


# (list, owner, page size, cursor): one follow-list page a request asks for.
PageKey = tuple[Direction, UserId, int, Position | None]


def _page_query(
    direction: Direction, owner_id: UserId, first: int, after: Position | None
) -> Select[int, datetime, int]:
    owner, other_end = (
        (Follow.followee_id, Follow.follower_id)
        if direction is Direction.FOLLOWERS
        else (Follow.follower_id, Follow.followee_id)
    )
    query = select(other_end.label("user_id"), Follow.created_at, Follow.id).where(
        owner == owner_id
    )
    if after is not None:
        query = query.where(
            or_(
                Follow.created_at < after.created_at,
                and_(Follow.created_at == after.created_at, Follow.id < after.id),
            )
        )
    return query.order_by(Follow.created_at.desc(), Follow.id.desc()).limit(first + 1)
