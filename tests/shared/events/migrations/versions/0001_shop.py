"""Orders, shipments and the event tables.

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
        "orders",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("item", sa.String(40), nullable=False),
    )
    op.create_table(
        "shipments",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
    )
    create_event_tables()


def downgrade() -> None:
    drop_event_tables()
    op.drop_table("shipments")
    op.drop_table("orders")
