"""``@defer`` inside fragments on a concrete type under an abstract one (oracle split 1).

Planned for ``if: $v`` false, a deferred fragment's selections go back into
their parent: inside a fragment on that type when the parent is a union or an
interface, never as bare fields on the abstract type (the planner recursed on
those without end).
"""

from __future__ import annotations

import pytest

from router.plan import ConditionNode
from tests.router.planner.plan_cases import case_names, check_case, fetches, our_plan

FEATURE = "defer_in_fragments"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)


def test_switched_off_the_fragment_is_fetched_on_its_type() -> None:
    node = our_plan(FEATURE, "if_variable_inside_a_fragment_under_a_union").node
    assert isinstance(node, ConditionNode)
    operations = [f.operation for f in fetches(node.else_clause)]
    assert any("{...on Product{weight}}" in o for o in operations), operations
