"""``@defer(if: $v)`` variables: one budget for all their plans, and a cap on how many."""

from __future__ import annotations

from unittest import mock

import pytest

from router.operation import prepare
from router.planner import (
    PlanningBudgetExceeded,
    TooManyDeferConditions,
    defer_variables,
    defers_always,
    plan,
)
from router.planner import planner as planner_module
from tests.router.planner.plan_cases import fetch_count, supergraph

GRAPH = supergraph("defer")


def deferring(count: int) -> str:
    """``count`` fragments each deferred on its own variable (2^count plans)."""
    declared = ", ".join(f"$d{i}: Boolean!" for i in range(count))
    fragments = " ".join(f"... @defer(if: $d{i}) {{ r{i}: rating }}" for i in range(count))
    return f'query Many({declared}) {{ product(upc: "1") {{ name {fragments} }} }}'


def choices_planned(operation_text: str, **limits: int) -> tuple[int, Exception | None]:
    """How many variable choices the planner started on, and what it raised."""
    operation = prepare(GRAPH, operation_text)
    with mock.patch.object(
        planner_module, "resolve_defers", wraps=planner_module.resolve_defers
    ) as resolve:
        try:
            plan(GRAPH, operation, **limits)
        except Exception as exc:
            return resolve.call_count, exc
    return resolve.call_count, None


def test_fourteen_defer_variables_are_refused_before_any_planning() -> None:
    planned, raised = choices_planned(deferring(14))
    assert planned == 0
    assert isinstance(raised, TooManyDeferConditions)
    assert "14 different variables" in str(raised) and "at most 4" in str(raised)


def test_the_cap_is_configurable_and_allows_what_it_says() -> None:
    planned, raised = choices_planned(deferring(5), max_defer_conditions=5)
    assert (planned, raised) == (2**5, None)
    planned, raised = choices_planned(deferring(5), max_defer_conditions=4)
    assert planned == 0 and isinstance(raised, TooManyDeferConditions)


def test_every_choice_spends_from_one_budget() -> None:
    # Each choice alone fits in the budget; all 2^10 of them together do not.
    one_choice = choices_planned(deferring(1), budget=60)
    assert one_choice == (2, None)
    planned, raised = choices_planned(deferring(10), budget=60, max_defer_conditions=10)
    assert isinstance(raised, PlanningBudgetExceeded)
    assert planned < 60 < 2**10


def test_the_same_variable_on_several_fragments_counts_once() -> None:
    text = (
        'query One($d: Boolean!) { product(upc: "1") { name '
        "... @defer(if: $d) { rating } ... @defer(if: $d) { reviews { body } } } }"
    )
    operation = prepare(GRAPH, text)
    assert defer_variables(operation) == ["d"]
    assert not defers_always(operation)
    assert fetch_count(plan(GRAPH, operation, max_defer_conditions=1).node) > 0


def test_a_defer_without_a_variable_always_defers() -> None:
    operation = prepare(GRAPH, '{ product(upc: "1") { name ... @defer { rating } } }')
    assert defers_always(operation) and defer_variables(operation) == []


@pytest.mark.parametrize("count", [0, 4])
def test_up_to_the_default_cap_plans(count: int) -> None:
    planned, raised = choices_planned(
        deferring(count) if count else '{ product(upc: "1") { name } }'
    )
    assert (planned, raised) == (2**count, None)
