"""Tables of the engagement database: what can be engaged with, likes, comments, count batches.

``subjects`` is engagement's own projection of other domains' content
(articles, questions, answers), fed by their events: it answers "does this
target exist, who owns it, what are its tags" without a call across services,
and holds the counters engagement owns (``like_count``, ``comment_count``).
``like_count`` (here and on ``comments``) moves only in the count consumer's
batches; ``comment_count`` and ``reply_count`` move in the transaction that
adds or deletes the comment, under the subject's row lock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import BigId, UtcDateTime
from shared.events import add_event_tables


class EngagementBase(DeclarativeBase):
    """The engagement database's own metadata."""


class Subject(EngagementBase):
    """An article, question or answer as engagement knows it from the owning domain's events."""

    __tablename__ = "subjects"
    __table_args__ = (
        # Recommendations: live content of one owner, and the newest content of a kind.
        Index("ix_subjects_owner", "owner_id", "created_at"),
        Index("ix_subjects_kind_created", "kind", "created_at"),
        # A question's answers (trending rebuild counts them).
        Index("ix_subjects_question", "question_id"),
    )

    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    owner_id: Mapped[int] = mapped_column(BigInteger)
    question_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    """For an answer: the question it answers."""
    tags: Mapped[str] = mapped_column(String(200))
    """Space-separated tag names (articles and questions)."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted: Mapped[bool] = mapped_column(Boolean)
    like_count: Mapped[int] = mapped_column(Integer)
    comment_count: Mapped[int] = mapped_column(Integer)
    view_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """An article's views, as its view flushes announced them."""


class Like(EngagementBase):
    __tablename__ = "likes"
    __table_args__ = (
        # One like per member and subject; also "has the viewer liked these".
        Index("uq_likes_subject_user", "user_id", "subject_kind", "subject_id", unique=True),
        Index("ix_likes_subject", "subject_kind", "subject_id"),
        Index("ix_likes_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Comment(EngagementBase):
    """A comment on an article or answer; a reply has a ``parent_id`` (one level deep)."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_subject", "subject_kind", "subject_id", "parent_id", "id"),
        Index("ix_comments_parent", "parent_id", "id"),
        Index("ix_comments_author", "author_id", "id"),
        Index("ix_comments_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)
    parent_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reply_to_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    deleted: Mapped[bool] = mapped_column(Boolean)
    reply_count: Mapped[int] = mapped_column(Integer)
    like_count: Mapped[int] = mapped_column(Integer)


class CountBatch(EngagementBase):
    """A batch of like counts committed and not yet settled in Redis (see ``counts``)."""

    __tablename__ = "count_batches"

    batch_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    deltas: Mapped[str] = mapped_column(Text)
    """JSON object: ``"KIND:id"`` → the delta the batch added."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# The outbox LikeAdded, CommentPosted, … are written to, and the consumer dedupe table.
EVENT_TABLES = add_event_tables(EngagementBase.metadata)
