"""Objects at one path from two branches: a requirement fetched in one branch is not needed of the other (oracle split 100)."""

from __future__ import annotations

import pytest

from tests.router.planner.plan_cases import case_names, check_case

FEATURE = "branch_requirements"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)
