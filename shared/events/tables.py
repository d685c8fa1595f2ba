"""The two event tables every producing or consuming domain keeps in its own database.

``outbox`` holds events written in the same transaction as the rows they
describe, in insertion order (``id``), until the relay marks them ``sent_at``.
``processed_events`` remembers which event each consumer has already handled,
so a redelivered event is skipped.

Column lists are built by functions so the domain's metadata
(:func:`add_event_tables`), its Alembic migration
(:mod:`shared.events.migration`) and the statements of this package (the
module-level tables, in a private metadata) share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem

from shared.db import BigId, UtcDateTime

OUTBOX_TABLE = "outbox"
PROCESSED_EVENTS_TABLE = "processed_events"
TRACE_CONTEXT = "trace_context"


def trace_context_column() -> Column[str]:
    """The producing span's propagation fields as JSON (see :mod:`shared.events.tracing`)."""
    return Column(TRACE_CONTEXT, Text, nullable=True)


def outbox_columns() -> list[SchemaItem]:
    return [
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False),
        Column("aggregate_type", String(64), nullable=False),
        Column("aggregate_id", String(64), nullable=False),
        Column("event_type", String(128), nullable=False),
        Column("payload", Text, nullable=False),
        Column("occurred_at", UtcDateTime, nullable=False),
        Column("sent_at", UtcDateTime, nullable=True),
        trace_context_column(),
        UniqueConstraint("event_id", name="uq_outbox_event_id"),
        # The relay's query: unsent rows in insertion order.
        Index("ix_outbox_sent_at_id", "sent_at", "id"),
    ]


def processed_events_columns() -> list[SchemaItem]:
    return [
        Column("consumer", String(100), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("processed_at", UtcDateTime, nullable=False),
        PrimaryKeyConstraint("consumer", "event_id", name="pk_processed_events"),
        # Forgetting old records: one consumer's, by age.
        Index("ix_processed_events_consumer_processed_at", "consumer", "processed_at"),
    ]


@dataclass(frozen=True, slots=True)
class EventTables:
    outbox: Table
    processed_events: Table


def add_event_tables(metadata: MetaData) -> EventTables:
    """Declare ``outbox`` and ``processed_events`` in a domain's own metadata."""
    return EventTables(
        outbox=Table(OUTBOX_TABLE, metadata, *outbox_columns()),
        processed_events=Table(PROCESSED_EVENTS_TABLE, metadata, *processed_events_columns()),
    )


# The tables this package's statements use: same names and columns in every domain database.
_TABLES = add_event_tables(MetaData())
OUTBOX = _TABLES.outbox
PROCESSED_EVENTS = _TABLES.processed_events
