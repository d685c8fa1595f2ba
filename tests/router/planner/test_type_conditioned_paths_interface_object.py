"""Type-conditioned paths below objects an ``@interfaceObject`` subgraph brought: the type
condition applies once a subgraph that knows the concrete types has answered
``__typename`` (oracle split 5)."""

from __future__ import annotations

import pytest

from tests.router.planner.plan_cases import case_names, check_case

FEATURE = "type_conditioned_paths_interface_object"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)
