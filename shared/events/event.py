"""An event as consumers see it, and the stream entry (string fields, JSON payload) carrying it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_FIELDS = ("id", "type", "aggregate_type", "aggregate_id", "payload", "occurred_at")


class MalformedEvent(ValueError):
    """A stream entry that does not decode to an :class:`Event`; it is dead-lettered at once."""


def event_stream(prefix: str, domain: str) -> str:
    """The stream a domain's events are published to: ``<prefix>events:<domain>``."""
    return f"{prefix}events:{domain}"


def encode_payload(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def stream_entry(
    *,
    event_id: str,
    event_type: str,
    aggregate_type: str,
    aggregate_id: str,
    payload: str,
    occurred_at: datetime,
) -> dict[str, str]:
    """The fields of the stream entry announcing an event (``payload`` already JSON)."""
    return {
        "id": event_id,
        "type": event_type,
        "aggregate_type": aggregate_type,
        "aggregate_id": aggregate_id,
        "payload": payload,
        "occurred_at": occurred_at.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    """A UUID string, unique across domains; consumers deduplicate on it."""
    type: str
    aggregate_type: str
    aggregate_id: str
    payload: Mapping[str, Any]
    occurred_at: datetime

    @classmethod
    def from_fields(cls, fields: Mapping[str, str]) -> Event:
        missing = [name for name in _FIELDS if name not in fields]
        if missing:
            raise MalformedEvent(f"the entry lacks {', '.join(missing)}")
        try:
            payload = json.loads(fields["payload"])
            occurred_at = datetime.fromisoformat(fields["occurred_at"])
        except ValueError as exc:
            raise MalformedEvent(f"the entry does not decode: {exc}") from None
        if not isinstance(payload, dict):
            raise MalformedEvent("the payload is not a JSON object")
        return cls(
            id=fields["id"],
            type=fields["type"],
            aggregate_type=fields["aggregate_type"],
            aggregate_id=fields["aggregate_id"],
            payload=payload,
            occurred_at=occurred_at,
        )
