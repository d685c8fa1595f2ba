"""The real front half: ``router.supergraph`` → ``router.operation`` → ``router.planner``."""

from __future__ import annotations

import importlib
from typing import Any, Protocol, cast

from graphql import OperationType

from router.execution.request import formatted_error
from router.http.errors import OperationRejected, PlanningBudgetExceeded, SupergraphRejected
from router.http.front import LoadedGraph
from router.http.plan_cache import PreparedPlan
from router.operation import Operation, OperationError, prepare
from router.plan import OperationKind, QueryPlan
from router.supergraph import Supergraph, SupergraphError, load_supergraph

_OPERATION_TYPES = {
    OperationKind.QUERY: OperationType.QUERY,
    OperationKind.MUTATION: OperationType.MUTATION,
    OperationKind.SUBSCRIPTION: OperationType.SUBSCRIPTION,
}


class _Planner(Protocol):
    PlanningBudgetExceeded: type[Exception]

    def plan(self, supergraph: Supergraph, operation: Operation, *, budget: int) -> QueryPlan: ...

    def print_plan(self, plan: QueryPlan) -> str: ...


def _planner() -> _Planner:
    # Imported by name while router.planner is built on its own branch; its three
    # names (plan, print_plan, PlanningBudgetExceeded) are the agreed interface.
    return cast(_Planner, importlib.import_module("router.planner"))


class FederationFront:
    def load(self, sdl: str) -> LoadedGraph:
        try:
            supergraph = load_supergraph(sdl)
        except SupergraphError as exc:
            raise SupergraphRejected(str(exc)) from exc
        return LoadedGraph(
            version=supergraph.version,
            api_schema=supergraph.api_schema,
            subgraph_urls=supergraph.subgraphs,
            model=supergraph,
        )

    def prepare(
        self, graph: LoadedGraph, query: str, operation_name: str | None, *, budget: int
    ) -> PreparedPlan:
        supergraph: Supergraph = graph.model
        try:
            operation = prepare(supergraph, query, operation_name)
        except OperationError as exc:
            raise OperationRejected([_with_code(formatted_error(e)) for e in exc.errors]) from exc
        planner = _planner()
        try:
            plan = planner.plan(supergraph, operation, budget=budget)
        except planner.PlanningBudgetExceeded as exc:
            raise PlanningBudgetExceeded(
                f"The operation is too complex to plan within the budget of {budget} steps: "
                "split it into smaller operations"
            ) from exc
        return PreparedPlan(
            document=operation.document,
            operation_type=_OPERATION_TYPES[operation.kind],
            plan=plan,
        )

    def print_plan(self, plan: QueryPlan) -> str:
        return _planner().print_plan(plan)


def _with_code(error: dict[str, Any]) -> dict[str, Any]:
    """Apollo's codes, so clients can tell a typo in the document from a schema mismatch."""
    extensions = dict(error.get("extensions") or {})
    if "code" not in extensions:
        syntax = str(error.get("message", "")).startswith("Syntax Error")
        extensions["code"] = "GRAPHQL_PARSE_FAILED" if syntax else "GRAPHQL_VALIDATION_FAILED"
    return {**error, "extensions": extensions}
