"""Every corpus case composes to its expected supergraph, or fails with its expected codes."""

from __future__ import annotations

import pytest

from composition import compose
from tests.composition.corpus import Case, cases


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_case_composes_as_expected(case: Case) -> None:
    result = compose(case.subgraphs)
    expected = case.expected_supergraph
    if expected is not None:
        assert result.errors == ()
        assert result.supergraph_sdl == expected
    else:
        assert result.supergraph_sdl is None
        assert sorted({e.code for e in result.errors}) == case.expected_errors


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_case_is_complete(case: Case) -> None:
    assert case.subgraphs, "a case needs at least one subgraph"
    assert (case.expected_supergraph is None) != (case.expected_errors is None)
    assert (case.path / "README").exists(), "say what the case covers in README"


def test_errors_name_subgraphs_and_coordinates() -> None:
    case = next(c for c in cases() if c.name == "error-field-sharing")
    messages = [e.message for e in compose(case.subgraphs).errors]
    assert any('"Article.title"' in m and '"articles"' in m and '"search"' in m for m in messages)


def test_every_error_is_reported_in_one_run() -> None:
    case = next(c for c in cases() if c.name == "error-many-at-once")
    errors = compose(case.subgraphs).errors
    assert {e.code for e in errors} == {
        "INVALID_FIELD_SHARING",
        "FIELD_TYPE_MISMATCH",
        "ENUM_VALUE_MISMATCH",
    }
    assert any('"Article.words"' in e.message for e in errors)
    assert any('"Article.title"' in e.message for e in errors)


def test_an_unreachable_field_is_reported_with_the_query_that_fails() -> None:
    case = next(c for c in cases() if c.name == "error-satisfiability")
    messages = [e.message for e in compose(case.subgraphs).errors]
    like_count = next(m for m in messages if '"Article.likeCount"' in m)
    assert "{\n  articles {\n    likeCount\n  }\n}" in like_count
    assert 'subgraph "engagement"' in like_count


@pytest.mark.parametrize(
    "case", [c for c in cases() if c.expected_supergraph is not None], ids=lambda c: c.name
)
def test_output_does_not_depend_on_the_order_subgraphs_come_in(case: Case) -> None:
    assert compose(list(reversed(case.subgraphs))).supergraph_sdl == case.expected_supergraph
