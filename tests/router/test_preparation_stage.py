"""The router's preparation stage: text in, a plan and what the operation defers out, or coded errors."""

from __future__ import annotations

import pytest
from graphql import OperationType

from router.errors import ErrorCode
from router.planner import print_plan
from router.prepare import (
    NO_DEFERRAL,
    OperationRejected,
    PlanningBudgetExceeded,
    PlanningLimits,
    prepare,
)
from tests.router.planner.plan_cases import our_plan, query, supergraph

GRAPH = supergraph("defer")


def rejected_code(text: str, operation_name: str | None = None, **limits: int) -> str:
    with pytest.raises(OperationRejected) as raised:
        prepare(GRAPH, text, operation_name, limits=PlanningLimits(**limits))
    (error,) = raised.value.graphql_errors()
    return str(error["extensions"]["code"])


def test_the_plan_is_the_planners_plan_for_the_chosen_operation() -> None:
    text = query("defer", "if_variable")
    prepared = prepare(GRAPH, text, None)
    assert print_plan(prepared.plan) == print_plan(our_plan("defer", "if_variable"))
    assert prepared.operation_name == "Product"
    assert prepared.operation_type is OperationType.QUERY


def test_which_operation_is_chosen_by_name() -> None:
    text = 'query A { product(upc: "1") { name } } mutation B { __typename }'
    assert prepare(GRAPH, text, "A").operation_type is OperationType.QUERY
    assert rejected_code(text, "C") == ErrorCode.GRAPHQL_VALIDATION_FAILED


def test_what_an_operation_defers_is_known_without_walking_the_plan() -> None:
    assert prepare(GRAPH, '{ product(upc: "1") { name } }', None).deferral == NO_DEFERRAL
    always = prepare(GRAPH, '{ product(upc: "1") { name ... @defer { rating } } }', None)
    assert always.deferral.active(None)
    on_variables = prepare(
        GRAPH,
        "query($a: Boolean!, $b: Boolean = true) "
        '{ product(upc: "1") { name ... @defer(if: $a) { rating } ... @defer(if: $b) { upc } } }',
        None,
    ).deferral
    assert on_variables.active({"a": False})  # $b defaults to true
    assert not on_variables.active({"a": False, "b": False})
    assert on_variables.active({"a": True, "b": False})


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("{ product(upc: ", ErrorCode.GRAPHQL_PARSE_FAILED),
        ("{ nope }", ErrorCode.GRAPHQL_VALIDATION_FAILED),
    ],
)
def test_documents_that_do_not_parse_or_validate_carry_apollos_codes(
    text: str, code: ErrorCode
) -> None:
    assert rejected_code(text) == code


def test_costly_operations_are_refused_with_their_own_codes() -> None:
    many = 'query({}) {{ product(upc: "1") {{ name {} }} }}'.format(
        ", ".join(f"$d{i}: Boolean" for i in range(5)),
        " ".join(f"... @defer(if: $d{i}) {{ r{i}: rating }}" for i in range(5)),
    )
    assert rejected_code(many) == ErrorCode.TOO_MANY_DEFER_CONDITIONS
    assert rejected_code(many, max_defer_conditions=5, budget=3) == ErrorCode.OPERATION_TOO_COMPLEX
    with pytest.raises(PlanningBudgetExceeded, match="budget of 3 steps"):
        prepare(GRAPH, many, None, limits=PlanningLimits(budget=3, max_defer_conditions=5))
