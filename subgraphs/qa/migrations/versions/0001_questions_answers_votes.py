"""Questions, their tags, answers, votes and the event tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.events.migration import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(160), nullable=False),
        sa.Column("answer_count", sa.Integer(), nullable=False),
        sa.Column("accepted_answer_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_questions_created", "questions", ["created_at", "id"])
    op.create_index("ix_questions_author", "questions", ["author_id", "created_at", "id"])
    op.create_table(
        "question_tags",
        sa.Column(
            "question_id",
            sa.BigInteger(),
            sa.ForeignKey("questions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("tag", sa.String(30), primary_key=True),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_question_tags_tag", "question_tags", ["tag", "question_id"])
    op.create_table(
        "answers",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "question_id",
            sa.BigInteger(),
            sa.ForeignKey("questions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("upvotes", sa.Integer(), nullable=False),
        sa.Column("downvotes", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index(
        "uq_answers_question_author", "answers", ["question_id", "author_id"], unique=True
    )
    op.create_index("ix_answers_question_score", "answers", ["question_id", "score", "id"])
    op.create_index("ix_answers_question_created", "answers", ["question_id", "created_at", "id"])
    op.create_index("ix_answers_author", "answers", ["author_id", "created_at", "id"])
    op.create_table(
        "answer_votes",
        sa.Column(
            "answer_id",
            sa.BigInteger(),
            sa.ForeignKey("answers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("voter_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        mysql_charset="utf8mb4",
    )
    create_event_tables()


def downgrade() -> None:
    drop_event_tables()
    op.drop_table("answer_votes")
    op.drop_table("answers")
    op.drop_table("question_tags")
    op.drop_table("questions")
