"""Domain events: transactional outbox → Redis Streams → idempotent consumers.

Producing (in the service layer, inside the caller's transaction)::

    event_id = await record_event(
        session, aggregate_type="user", aggregate_id=user.id,
        event_type="accounts.user-registered", payload={"userId": user.id},
    )

Tables: a domain declares them in its own metadata with
``add_event_tables(Base.metadata)`` and creates them in its Alembic migration
with ``shared.events.migration.create_event_tables()`` (and
``drop_event_tables()`` in ``downgrade``).

Publishing: ``OutboxRelay(database, redis, stream=event_stream(prefix,
domain))`` moves committed outbox rows to ``<prefix>events:<domain>`` in
insertion order, marking them sent; see :mod:`shared.events.relay`.

Consuming: ``Consumer(database, redis, stream=…, name="social.user-registered",
handler=handle)`` where ``async def handle(event: Event, session) -> None``
does its work in the given transaction (no commit); the processed-event
record is written in the same transaction and the entry acknowledged after
commit. Failed entries are retried, then dead-lettered to ``<stream>:dead``;
see :mod:`shared.events.consumer`.

Relays and consumers are :class:`shared.lifecycle.Worker` objects
(``await start()`` / ``await stop()``); ``beyond dev``, ``beyond serve`` and
``beyond worker`` run the ones a service declares. Delivery is at least once
and ordered per stream; handlers must tolerate events of other aggregates
arriving in between, and the event id is the deduplication key.

Errors: ``MalformedEvent`` (a ``ValueError``) for a stream entry that is not
an event; Redis and database errors inside relays and consumers are logged
and retried with backoff, never raised to their callers' tasks.
"""

from __future__ import annotations

from shared.events.consumer import Consumer, EventHandler, dead_letter_stream
from shared.events.event import Event, MalformedEvent, event_stream
from shared.events.outbox import record_event
from shared.events.relay import OutboxRelay
from shared.events.tables import EventTables, add_event_tables

__all__ = [
    "Consumer",
    "Event",
    "EventHandler",
    "EventTables",
    "MalformedEvent",
    "OutboxRelay",
    "add_event_tables",
    "dead_letter_stream",
    "event_stream",
    "record_event",
]
