"""A fetch never waits on a fetch that a condition may skip while it runs (oracle split 7)."""

from __future__ import annotations

import pytest

from tests.router.planner.plan_cases import case_names, check_case

FEATURE = "conditional_requirements"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)
