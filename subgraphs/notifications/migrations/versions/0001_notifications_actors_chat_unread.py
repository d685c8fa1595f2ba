"""Notifications, their actors, chat unread counts and the event tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from shared.events.migration import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Microseconds = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("group_key", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("subject_kind", sa.String(16), nullable=True),
        sa.Column("subject_id", sa.BigInteger(), nullable=True),
        sa.Column("comment_id", sa.BigInteger(), nullable=True),
        sa.Column("latest_actor_id", sa.BigInteger(), nullable=False),
        sa.Column("actor_count", sa.Integer(), nullable=False),
        sa.Column("is_read", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index(
        "uq_notifications_group", "notifications", ["recipient_id", "group_key"], unique=True
    )
    op.create_index(
        "ix_notifications_recent", "notifications", ["recipient_id", "updated_at", "id"]
    )
    op.create_index(
        "ix_notifications_category",
        "notifications",
        ["recipient_id", "category", "updated_at", "id"],
    )
    op.create_index(
        "ix_notifications_unread",
        "notifications",
        ["recipient_id", "is_read", "category", "actor_count"],
    )
    op.create_index("ix_notifications_key", "notifications", ["group_key"])
    op.create_index("ix_notifications_subject", "notifications", ["subject_kind", "subject_id"])
    op.create_table(
        "notification_actors",
        sa.Column("notification_id", sa.BigInteger(), primary_key=True),
        sa.Column("actor_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("acted_at", Microseconds, nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index(
        "ix_notification_actors_latest",
        "notification_actors",
        ["notification_id", "active", "acted_at"],
    )
    op.create_table(
        "chat_unread",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("conversation_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("unread", sa.Integer(), nullable=False),
        sa.Column("read_seq", sa.BigInteger(), nullable=False),
        mysql_charset="utf8mb4",
    )
    create_event_tables()


def downgrade() -> None:
    drop_event_tables()
    op.drop_table("chat_unread")
    op.drop_table("notification_actors")
    op.drop_table("notifications")
