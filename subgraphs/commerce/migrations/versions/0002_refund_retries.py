"""Refunds retried: attempts, when the next is due, and the provider's last refusal.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "payments",
        sa.Column("refund_attempts", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("payments", sa.Column("refund_due_at", sa.DateTime(), nullable=True))
    op.add_column("payments", sa.Column("refund_error", sa.String(200), nullable=True))
    # Refunds asked before this revision and never confirmed are due at once (any past time).
    op.execute(
        "UPDATE payments SET refund_due_at = '2000-01-01 00:00:00' WHERE status = 'REFUND_DUE'"
    )
    op.create_index("ix_payments_status_refund_due", "payments", ["status", "refund_due_at"])


def downgrade() -> None:
    op.drop_index("ix_payments_status_refund_due", table_name="payments")
    with op.batch_alter_table("payments") as batch:
        batch.drop_column("refund_error")
        batch.drop_column("refund_due_at")
        batch.drop_column("refund_attempts")
