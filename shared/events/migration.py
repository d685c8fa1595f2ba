"""Alembic operations creating the event tables, for a domain's own migration.

A domain's migration calls ``create_event_tables()`` in ``upgrade()`` and
``drop_event_tables()`` in ``downgrade()``; the tables are those of
:mod:`shared.events.tables`, as they are now. A domain whose database may
predate a later column gets it from a migration of its own that calls
``add_trace_context()``, which adds it only where it is missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.events.tables import (
    OUTBOX_TABLE,
    PROCESSED_EVENTS_TABLE,
    TRACE_CONTEXT,
    outbox_columns,
    processed_events_columns,
    trace_context_column,
)


def create_event_tables() -> None:
    op.create_table(OUTBOX_TABLE, *outbox_columns(), mysql_charset="utf8mb4")
    op.create_table(PROCESSED_EVENTS_TABLE, *processed_events_columns(), mysql_charset="utf8mb4")


def drop_event_tables() -> None:
    op.drop_table(PROCESSED_EVENTS_TABLE)
    op.drop_table(OUTBOX_TABLE)


def add_trace_context() -> None:
    """``outbox.trace_context``, for event tables created before it existed."""
    columns = sa.inspect(op.get_bind()).get_columns(OUTBOX_TABLE)
    if TRACE_CONTEXT not in {column["name"] for column in columns}:
        op.add_column(OUTBOX_TABLE, trace_context_column())
