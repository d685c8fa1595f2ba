"""Value types whose fields are split across subgraphs: the enclosing field is fetched twice."""

from __future__ import annotations

import pytest

from tests.router.planner.plan_cases import case_names, check_case

FEATURE = "value_types"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)
