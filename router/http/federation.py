"""The real front half: ``router.supergraph`` → ``router.operation`` → ``router.planner``."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError, OperationType

from router.errors import ErrorCode, error, formatted_error
from router.http.errors import OperationRejected, PlanningBudgetExceeded, SupergraphRejected
from router.http.front import LoadedGraph
from router.http.plan_cache import PreparedPlan
from router.operation import OperationError, authorize, prepare
from router.operation.errors import OperationRefused
from router.operation.guard import OperationGuard
from router.plan import OperationKind, QueryPlan
from router.planner import PlanningBudgetExceeded as PlannerBudgetExceeded
from router.planner import PlanningError, UnknownInputValue, plan, print_plan
from router.supergraph import Supergraph, SupergraphError, load_supergraph
from router.supergraph.authorization import ANONYMOUS, Access

_OPERATION_TYPES = {
    OperationKind.QUERY: OperationType.QUERY,
    OperationKind.MUTATION: OperationType.MUTATION,
    OperationKind.SUBSCRIPTION: OperationType.SUBSCRIPTION,
}


class FederationFront:
    def __init__(self, guard: OperationGuard | None = None) -> None:
        """``guard``: the rules (limits, switches) operations are checked against before planning."""
        self._guard = guard

    def load(self, sdl: str) -> LoadedGraph:
        try:
            with _collector_paused():
                supergraph = load_supergraph(sdl)
        except SupergraphError as exc:
            raise SupergraphRejected(str(exc)) from exc
        return LoadedGraph(
            version=supergraph.version,
            api_schema=supergraph.api_schema,
            subgraph_urls=supergraph.subgraphs,
            model=supergraph,
            override_labels=supergraph.override_labels,
            authorization=supergraph.authorization,
        )

    def prepare(
        self,
        graph: LoadedGraph,
        query: str,
        operation_name: str | None,
        *,
        budget: int,
        override_labels: frozenset[str] = frozenset(),
        access: Access = ANONYMOUS,
    ) -> PreparedPlan:
        supergraph: Supergraph = graph.model
        try:
            prepared = prepare(supergraph, query, operation_name, self._guard)
        except OperationRefused as refused:
            raise OperationRejected([error(refused.message, refused.code)]) from refused
        except OperationError as exc:
            raise OperationRejected([formatted_error(e, _code(e)) for e in exc.errors]) from exc
        authorized = authorize(prepared, supergraph, access)
        operation = authorized.operation
        try:
            query_plan = plan(supergraph, operation, budget=budget, override_labels=override_labels)
        except PlannerBudgetExceeded as exc:
            raise PlanningBudgetExceeded(
                f"The operation is too complex to plan within the budget of {budget} steps: "
                "split it into smaller operations"
            ) from exc
        except UnknownInputValue as exc:
            # Apollo Router's code for an enum value a variable cannot carry (see
            # router.execution.input_values): the client chose a value this field cannot take.
            raise OperationRejected([error(str(exc), ErrorCode.GRAPHQL_VALIDATION_FAILED)]) from exc
        except PlanningError as exc:
            # The supergraph cannot serve this selection: say so rather than a bare 500.
            raise OperationRejected([error(str(exc), ErrorCode.QUERY_PLANNING_FAILED)]) from exc
        return PreparedPlan(
            document=operation.document,
            operation_type=_OPERATION_TYPES[operation.kind],
            plan=query_plan,
            unauthorized=authorized.unauthorized,
        )

    def print_plan(self, plan: QueryPlan) -> str:
        return print_plan(plan)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Run without cyclic garbage collection.

    Loading builds hundreds of thousands of long-lived objects (AST, schema,
    model) and almost no garbage, so the collector's passes over the growing
    heap are pure overhead: a 2 MB supergraph loads in about half the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _code(error: GraphQLError) -> ErrorCode:
    """Apollo's codes, so clients can tell a typo in the document from a schema mismatch."""
    if isinstance(error, GraphQLSyntaxError):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    return ErrorCode.GRAPHQL_VALIDATION_FAILED
