"""Scalars every subgraph serializes the same way (its schema's ``config``).

``DateTime``: ISO 8601 in UTC with milliseconds, ``2026-12-04T19:05:42.123Z``,
whatever precision or zone the database gave; naive values are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry
from strawberry.schema.config import StrawberryConfig

DATETIME_DESCRIPTION = "An instant in UTC with milliseconds: 2026-12-04T19:05:42.123Z."


def serialize_datetime(value: datetime) -> str:
    utc = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def parse_datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


DateTime = strawberry.scalar(
    name="DateTime",
    description=DATETIME_DESCRIPTION,
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)


def schema_config() -> StrawberryConfig:
    return StrawberryConfig(scalar_map={datetime: DateTime})
