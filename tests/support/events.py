"""Writing a domain's events into its stream as its outbox relay would, for consumers whose
producers are elsewhere: the contract's payload, a stream entry, XADD."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis

from shared.db import utcnow
from shared.events import event_stream
from shared.events.event import encode_payload, stream_entry


async def emit(
    redis: Redis,
    prefix: str,
    domain: str,
    event_type: str,
    payload: Mapping[str, Any],
    *,
    event_id: str | None = None,
) -> str:
    """Append the event to ``<prefix>events:<domain>``; its id (``event_id`` to redeliver one)."""
    event_id = event_id or str(uuid.uuid4())
    entry = stream_entry(
        event_id=event_id,
        event_type=event_type,
        aggregate_type=domain,
        aggregate_id="1",
        payload=encode_payload(payload),
        occurred_at=utcnow(),
    )
    await redis.xadd(event_stream(prefix, domain), entry)  # type: ignore[arg-type]
    return event_id
