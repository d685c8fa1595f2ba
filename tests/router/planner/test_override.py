"""@override: the field moves to the overriding subgraph."""

from __future__ import annotations

import pytest

from router.operation import prepare
from router.planner import plan, print_plan
from tests.router.planner.plan_cases import case_names, check_case, query, supergraph

FEATURE = "override"


@pytest.mark.parametrize("case", case_names(FEATURE))
def test_plan(case: str) -> None:
    check_case(FEATURE, case)


def test_a_progressive_override_applies_when_its_label_is_on() -> None:
    graph = supergraph(FEATURE)
    operation = prepare(graph, query(FEATURE, "progressive_override_label_off"))
    services = [
        line.strip()
        for line in print_plan(
            plan(graph, operation, override_labels=frozenset({"percent(50)"}))
        ).splitlines()
        if line.strip().startswith("Fetch(")
    ]
    assert services == ['Fetch(service: "legacy") {', 'Fetch(service: "inventory") {']
