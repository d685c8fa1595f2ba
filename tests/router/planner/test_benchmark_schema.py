"""The standard federation benchmark schema (bench/federation): @requires met by a sibling hop."""

from __future__ import annotations

import pytest

from tests.router.planner.plan_cases import case_names, check_case

FEATURE = "benchmark_schema"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)
