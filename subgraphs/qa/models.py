"""Tables of the qa database: questions, their tags, answers and votes on answers.

Counters live on their rows and move only inside the transaction that changes
what they count, under the row lock: ``questions.answer_count`` with the
answers, ``answers.upvotes``/``downvotes``/``score`` with ``answer_votes``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import BigId, UtcDateTime
from shared.events import add_event_tables


class QaBase(DeclarativeBase):
    """The qa database's own metadata."""


class Question(QaBase):
    __tablename__ = "questions"
    __table_args__ = (
        # All questions newest first (Query.questions) and one author's (User.questions).
        Index("ix_questions_created", "created_at", "id"),
        Index("ix_questions_author", "author_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text)
    # The tags in the author's order, space-separated, so reading a question is one row;
    # question_tags indexes them for `questions(tag:)`.
    tags: Mapped[str] = mapped_column(String(160))
    answer_count: Mapped[int] = mapped_column(Integer)
    accepted_answer_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # Whole seconds, as MariaDB's DATETIME keeps them, so cursors match the stored value.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class QuestionTag(QaBase):
    __tablename__ = "question_tags"
    __table_args__ = (Index("ix_question_tags_tag", "tag", "question_id"),)

    question_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(30), primary_key=True)


class Answer(QaBase):
    __tablename__ = "answers"
    __table_args__ = (
        # One answer per member per question; also a question's answers in any order.
        Index("uq_answers_question_author", "question_id", "author_id", unique=True),
        Index("ix_answers_question_score", "question_id", "score", "id"),
        Index("ix_answers_question_created", "question_id", "created_at", "id"),
        Index("ix_answers_author", "author_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("questions.id", ondelete="CASCADE")
    )
    author_id: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)
    upvotes: Mapped[int] = mapped_column(Integer)
    downvotes: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AnswerVote(QaBase):
    """A member's standing vote on an answer: +1 or -1 (no row: no vote)."""

    __tablename__ = "answer_votes"

    answer_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True
    )
    voter_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(SmallInteger)


# The outbox QuestionAsked, AnswerPosted, … are written to, and the consumer dedupe table.
EVENT_TABLES = add_event_tables(QaBase.metadata)
