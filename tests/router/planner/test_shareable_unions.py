"""A union under a @shareable path whose members differ per subgraph: only the common members."""

from __future__ import annotations

import pytest

from tests.router.planner.plan_cases import case_names, check_case

FEATURE = "shareable_unions"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)
