"""Follow edges, per-user follow counters and the event tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
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
        "follows",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("follower_id", sa.BigInteger(), nullable=False),
        sa.Column("followee_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("follower_id", "followee_id", name="uq_follows_pair"),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_follows_followers", "follows", ["followee_id", "created_at", "id"])
    op.create_index("ix_follows_following", "follows", ["follower_id", "created_at", "id"])
    op.create_table(
        "follow_counts",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("follower_count", sa.Integer(), nullable=False),
        sa.Column("following_count", sa.Integer(), nullable=False),
        mysql_charset="utf8mb4",
    )
    create_event_tables()


def downgrade() -> None:
    drop_event_tables()
    op.drop_table("follow_counts")
    op.drop_table("follows")
