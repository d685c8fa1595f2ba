"""Branches under different type conditions asking one response path with different
arguments get entity fetches of their own, on type-conditioned paths (oracle split 7)."""

from __future__ import annotations

import pytest

from tests.router.planner.plan_cases import case_names, check_case

FEATURE = "type_conditioned_paths"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)
