"""Tables of the social database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import BigId, UtcDateTime, utcnow
from shared.events import add_event_tables


class SocialBase(DeclarativeBase):
    """The social database's own metadata."""


class Follow(SocialBase):
    """One edge: ``follower_id`` follows ``followee_id``. Unfollowing deletes it."""

    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "followee_id", name="uq_follows_pair"),
        # Both lists page newest first by (created_at, id) from their owner.
        Index("ix_follows_followers", "followee_id", "created_at", "id"),
        Index("ix_follows_following", "follower_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    follower_id: Mapped[int] = mapped_column(BigInteger)
    followee_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FollowCounts(SocialBase):
    """Per-user counters, changed in the transaction that adds or removes an edge."""

    __tablename__ = "follow_counts"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    follower_count: Mapped[int] = mapped_column(Integer, default=0)
    following_count: Mapped[int] = mapped_column(Integer, default=0)


# The outbox UserFollowed/UserUnfollowed are written to, and the consumer dedupe table.
EVENT_TABLES = add_event_tables(SocialBase.metadata)
