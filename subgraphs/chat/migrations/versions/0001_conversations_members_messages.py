"""Conversations, members, invitations, messages and the event tables.

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


def _conversation_id() -> sa.Column[int]:
    return sa.Column(
        "conversation_id",
        sa.BigInteger(),
        sa.ForeignKey("conversations.id", ondelete="CASCADE"),
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("title", sa.String(80), nullable=True),
        sa.Column("owner_id", sa.BigInteger(), nullable=True),
        sa.Column("direct_key", sa.String(41), nullable=True, unique=True),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column(
            "last_activity_at",
            sa.DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb"),
            nullable=False,
        ),
        mysql_charset="utf8mb4",
    )
    op.create_index(
        "ix_conversations_kind_activity", "conversations", ["kind", "last_activity_at", "id"]
    )
    op.create_table(
        "conversation_members",
        _conversation_id(),
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("last_read_seq", sa.BigInteger(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_members_user", "conversation_members", ["user_id", "conversation_id"])
    op.create_table(
        "conversation_invitations",
        _conversation_id(),
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("invited_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_table(
        "messages",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column(
            "conversation_id",
            sa.BigInteger(),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("sender_id", sa.BigInteger(), nullable=False),
        sa.Column("client_message_id", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index("uq_messages_seq", "messages", ["conversation_id", "seq"], unique=True)
    op.create_index(
        "uq_messages_client_id",
        "messages",
        ["conversation_id", "sender_id", "client_message_id"],
        unique=True,
    )
    create_event_tables()


def downgrade() -> None:
    drop_event_tables()
    op.drop_table("messages")
    op.drop_table("conversation_invitations")
    op.drop_table("conversation_members")
    op.drop_table("conversations")
