"""@interfaceObject types whose keys no subgraph resolves (the gateway audit's suite of that name)."""

from __future__ import annotations

import pytest

from router.operation import prepare
from router.planner import UnsatisfiableField, plan
from tests.router.planner.plan_cases import case_names, check_case, supergraph

FEATURE = "non_resolvable_interface_objects"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)


def test_a_field_only_an_interface_object_has_cannot_be_reached_from_the_interface() -> None:
    # counter's a: Node names no concrete type, and oven's Node cannot be entered by its key.
    graph = supergraph(FEATURE)
    with pytest.raises(UnsatisfiableField, match=r"Node\.field"):
        plan(graph, prepare(graph, "{ a { field } }"))
