"""Entity ids as clients see them: opaque strings that are, for us, BIGINT primary keys."""

from __future__ import annotations


def parse_id(raw: str) -> int | None:
    """The key an id names, or ``None`` for an id that is not one of ours (it names nothing)."""
    return int(raw) if raw.isdigit() and len(raw) <= 19 else None
