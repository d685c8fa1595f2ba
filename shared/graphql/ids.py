"""Entity ids as clients see them: opaque strings that are, for us, BIGINT primary keys."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from shared.errors import NotFound

Id = TypeVar("Id", bound=int)


def parse_id(raw: str) -> int | None:
    """The key an id names, or ``None`` for an id that is not one of ours (it names nothing)."""
    return int(raw) if raw.isdigit() and len(raw) <= 19 else None


def parse_typed(raw: str, kind: Callable[[int], Id]) -> Id | None:
    """``parse_id`` typed as the id ``kind`` (a ``NewType`` of ``int``)."""
    key = parse_id(raw)
    return kind(key) if key is not None else None


def require_id(raw: str, kind: Callable[[int], Id], noun: str) -> Id:
    """The id ``raw`` names; ``NotFound`` ("There is no <noun> with id …") when it names nothing."""
    key = parse_typed(raw, kind)
    if key is None:
        raise NotFound(f"There is no {noun} with id {raw!r}.")
    return key
