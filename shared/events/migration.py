"""Alembic operations creating the event tables, for a domain's own migration.

A domain's migration calls ``create_event_tables()`` in ``upgrade()`` and
``drop_event_tables()`` in ``downgrade()``; the tables are those of
:mod:`shared.events.tables`.
"""

from __future__ import annotations

from alembic import op

from shared.events.tables import (
    OUTBOX_TABLE,
    PROCESSED_EVENTS_TABLE,
    outbox_columns,
    processed_events_columns,
)


def create_event_tables() -> None:
    op.create_table(OUTBOX_TABLE, *outbox_columns(), mysql_charset="utf8mb4")
    op.create_table(PROCESSED_EVENTS_TABLE, *processed_events_columns(), mysql_charset="utf8mb4")


def drop_event_tables() -> None:
    op.drop_table(PROCESSED_EVENTS_TABLE)
    op.drop_table(OUTBOX_TABLE)
