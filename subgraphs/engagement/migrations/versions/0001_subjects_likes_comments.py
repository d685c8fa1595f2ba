"""Subjects, likes, comments, count batches and the event tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
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
        "subjects",
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("owner_id", sa.BigInteger(), nullable=False),
        sa.Column("question_id", sa.BigInteger(), nullable=True),
        sa.Column("tags", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("like_count", sa.Integer(), nullable=False),
        sa.Column("comment_count", sa.Integer(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_subjects_owner", "subjects", ["owner_id", "created_at"])
    op.create_index("ix_subjects_kind_created", "subjects", ["kind", "created_at"])
    op.create_index("ix_subjects_question", "subjects", ["question_id"])
    op.create_table(
        "likes",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_kind", sa.String(8), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index(
        "uq_likes_subject_user", "likes", ["user_id", "subject_kind", "subject_id"], unique=True
    )
    op.create_index("ix_likes_subject", "likes", ["subject_kind", "subject_id"])
    op.create_index("ix_likes_created", "likes", ["created_at"])
    op.create_table(
        "comments",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("subject_kind", sa.String(8), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("reply_to_user_id", sa.BigInteger(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("reply_count", sa.Integer(), nullable=False),
        sa.Column("like_count", sa.Integer(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index(
        "ix_comments_subject", "comments", ["subject_kind", "subject_id", "parent_id", "id"]
    )
    op.create_index("ix_comments_parent", "comments", ["parent_id", "id"])
    op.create_index("ix_comments_author", "comments", ["author_id", "id"])
    op.create_index("ix_comments_created", "comments", ["created_at"])
    op.create_table(
        "count_batches",
        sa.Column("batch_id", sa.String(32), primary_key=True),
        sa.Column("deltas", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    create_event_tables()


def downgrade() -> None:
    drop_event_tables()
    op.drop_table("count_batches")
    op.drop_table("comments")
    op.drop_table("likes")
    op.drop_table("subjects")
