"""One id parser for the whole graph: canonical ASCII decimal in the BIGINT range, nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import BadUserInput
from shared.graphql.ids import require_id
from shared.ids import MAX_ID, UserId, parse_id


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_every_key_round_trips(key: int) -> None:
    assert parse_id(str(key)) == key


@given(st.text())
def test_any_text_is_an_id_only_in_its_one_spelling(raw: str) -> None:
    key = parse_id(raw)
    assert key is None or (str(key) == raw and 1 <= key <= MAX_ID)


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=25))
def test_digits_of_other_scripts_are_not_ids(raw: str) -> None:
    if not raw.isascii():
        assert parse_id(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "²",
        "٣",
        "\uff11\uff12",
        "+1",
        "-1",
        " 1",
        "1 ",
        "1_000",
        "0",
        "007",
        "1e3",
        "",
        str(MAX_ID + 1),
        "9" * 20,
        "9" * 4000,
    ],
)
def test_odd_strings_are_refused_as_input(raw: str) -> None:
    assert parse_id(raw) is None
    with pytest.raises(BadUserInput) as refused:
        require_id(raw, UserId, field="userId")
    assert refused.value.extensions == {"code": "BAD_USER_INPUT", "field": "userId"}


def test_ids_that_are_not_strings_name_nothing() -> None:
    assert parse_id(42) is None
    assert parse_id(None) is None
