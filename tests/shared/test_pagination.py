"""Cursors round-trip, stay opaque and refuse what they did not encode; ``first`` is capped."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import BadUserInput
from shared.ids import MAX_ID
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


def _cursor_of(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode()


@given(st.text(max_size=200))
def test_any_text_is_a_cursor_only_if_it_was_encoded_here(raw: str) -> None:
    try:
        position = decode_cursor(raw)
    except BadUserInput as refused:
        assert refused.extensions == {"code": "BAD_USER_INPUT", "field": "after"}
    else:
        assert encode_cursor(position) == raw


@given(st.text(max_size=40), st.text(max_size=40))
def test_odd_positions_inside_a_well_formed_cursor_are_refused(moment: str, id_: str) -> None:
    cursor = _cursor_of(f"v1|{moment}|{id_}")
    try:
        position = decode_cursor(cursor)
    except BadUserInput:
        return
    assert 1 <= position.id <= MAX_ID
    assert position.created_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "payload",
    [
        f"v1|2026-01-01T00:00:00+00:00|{MAX_ID + 1}",
        "v1|2026-01-01T00:00:00+00:00|²",
        "v1|2026-01-01T00:00:00+00:00|٣",
        "v1|2026-01-01T00:00:00+00:00|+5",
        "v1|2026-01-01T00:00:00+00:00|0",
        "v1|0001-01-01T00:00:00+05:00|5",
        "v1|2026-01-01T00:00:00|5",
    ],
)
def test_cursors_holding_what_no_row_has_are_refused(payload: str) -> None:
    with pytest.raises(BadUserInput):
        decode_cursor(_cursor_of(payload))


def test_a_huge_cursor_is_refused_without_decoding_it() -> None:
    with pytest.raises(BadUserInput) as refused:
        decode_cursor("A" * 1_000_000)
    assert len(refused.value.message) < 200
