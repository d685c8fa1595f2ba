"""Keyset pagination: the ``first`` rule and opaque cursors every connection uses.

A connection lists rows newest first, ordered by ``(created_at, id)``. Its cursor
is the position of an edge, base64 of ``v1|<ISO created_at>|<id>``; the next page
is the rows strictly after that position, read with
``created_at < c OR (created_at = c AND id < i)`` on an index that ends in
``(created_at, id)``. Unlike OFFSET, a page deep in the list costs what the first
one does, and rows added at the head while a client pages neither repeat nor
vanish.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.errors import BadUserInput
from shared.ids import parse_id

DEFAULT_FIRST = 20
MAX_FIRST = 100
_VERSION = "v1"
_CURSOR_MAX = 128  # a real cursor is about 70 characters


@dataclass(frozen=True, slots=True)
class Position:
    """Where an edge sits in a newest-first list."""

    created_at: datetime
    id: int


def check_first(first: int | None, *, field: str = "first") -> int:
    """The page size asked for: ``DEFAULT_FIRST`` when ``None``, refused above ``MAX_FIRST``."""
    if first is None:
        return DEFAULT_FIRST
    if first < 0 or first > MAX_FIRST:
        raise BadUserInput(f"`{field}` must be between 0 and {MAX_FIRST}.", field=field)
    return first


def encode_fields(*fields: object) -> str:
    """An opaque cursor holding ``fields`` (``|``-separated, base64)."""
    return base64.urlsafe_b64encode("|".join(str(f) for f in fields).encode()).decode()


def invalid_cursor(field: str) -> BadUserInput:
    return BadUserInput(
        f"`{field}` is not a cursor from this list: pass an endCursor or cursor it returned.",
        field=field,
    )


def decode_fields(cursor: str, *, field: str) -> list[str]:
    """The fields of a cursor :func:`encode_fields` made; anything else is refused."""
    if len(cursor) > _CURSOR_MAX:
        raise invalid_cursor(field)
    try:
        return base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (binascii.Error, UnicodeError, ValueError):
        raise invalid_cursor(field) from None


def encode_cursor(position: Position) -> str:
    return encode_fields(_VERSION, position.created_at.isoformat(), position.id)


def decode_cursor(cursor: str, *, field: str = "after") -> Position:
    """The position a cursor names; anything this module did not encode is refused.

    A cursor is accepted only if encoding the position it names gives it back
    character for character, so there is one spelling of each position: no
    other offset than UTC, no id that :func:`shared.ids.parse_id` refuses, no
    padding or stray characters that base64 decoding would skip.
    """
    try:
        version, created_at, raw_id = decode_fields(cursor, field=field)
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        raise invalid_cursor(field) from None
    id_ = parse_id(raw_id)
    if version != _VERSION or id_ is None or moment.utcoffset() != timedelta(0):
        raise invalid_cursor(field)
    position = Position(moment, id_)
    if encode_cursor(position) != cursor:
        raise invalid_cursor(field)
    return position
