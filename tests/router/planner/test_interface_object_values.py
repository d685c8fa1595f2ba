"""@interfaceObject values: the concrete type fetched only when the selection needs it."""

from __future__ import annotations

import pytest

from router.operation import prepare
from router.planner import UnsatisfiableField, plan
from tests.router.planner.plan_cases import case_names, check_case, supergraph

FEATURE = "interface_object_values"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)


def test_the_concrete_type_of_an_interface_nothing_implements_is_an_error() -> None:
    # Room has no implementation anywhere: no subgraph can say what a room's __typename is.
    graph = supergraph(FEATURE)
    with pytest.raises(UnsatisfiableField, match=r"Query\.rooms"):
        plan(graph, prepare(graph, "{ rooms { __typename } }"))
