"""Cursors round-trip, stay opaque and refuse what they did not encode; ``first`` is capped."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.errors import BadUserInput
from shared.pagination import DEFAULT_FIRST, Position, check_first, decode_cursor, encode_cursor


def test_a_cursor_round_trips_and_is_opaque() -> None:
    position = Position(datetime(2026, 11, 24, 12, 30, 5, 123456, tzinfo=UTC), 987654)
    cursor = encode_cursor(position)
    assert decode_cursor(cursor) == position
    assert "987654" not in cursor and "2026" not in cursor


def test_a_tampered_cursor_names_the_argument() -> None:
    with pytest.raises(BadUserInput) as raised:
        decode_cursor(encode_cursor(Position(datetime.now(UTC), 1))[:-4], field="before")
    assert raised.value.extensions == {"code": "BAD_USER_INPUT", "field": "before"}


@pytest.mark.parametrize(("first", "size"), [(None, DEFAULT_FIRST), (0, 0), (100, 100)])
def test_first_within_the_cap_is_kept(first: int | None, size: int) -> None:
    assert check_first(first) == size


@pytest.mark.parametrize("first", [-1, 101])
def test_first_outside_the_cap_is_refused(first: int) -> None:
    with pytest.raises(BadUserInput):
        check_first(first)
