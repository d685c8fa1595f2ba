"""The outbox keeps each event's trace context (databases created before it existed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from shared.events.migration import add_trace_context

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_trace_context()


def downgrade() -> None:
    """Nothing: revision 0001 creates the event tables with the column today."""
