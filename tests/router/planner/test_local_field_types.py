"""Subgraph-local field types: aliases for clashing nullability, no fragments outside the local type."""

from __future__ import annotations

import pytest

from tests.router.planner.plan_cases import case_names, check_case

FEATURE = "local_field_types"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)
