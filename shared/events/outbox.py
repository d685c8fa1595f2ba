"""Recording an event in the caller's transaction (the write side of the outbox)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.events.event import encode_payload
from shared.events.tables import OUTBOX
from shared.events.tracing import current_trace_context


async def record_event(
    session: AsyncSession,
    *,
    aggregate_type: str,
    aggregate_id: str | int,
    event_type: str,
    payload: Mapping[str, Any],
) -> str:
    """Add an event to the outbox in ``session``'s transaction and return its id.

    Nothing is committed here: the event becomes visible to the relay exactly
    when the caller's transaction commits, and vanishes with it on rollback.
    Call it after writing the aggregate's rows, so that two transactions
    changing one aggregate (serialized by the row lock) also number their
    events in that order.
    """
    event_id = str(uuid.uuid4())
    await session.execute(
        insert(OUTBOX).values(
            event_id=event_id,
            aggregate_type=aggregate_type,
            aggregate_id=str(aggregate_id),
            event_type=event_type,
            payload=encode_payload(payload),
            occurred_at=utcnow(),
            trace_context=current_trace_context(),
        )
    )
    return event_id
