"""``prepare()``: parse, validate, authorize and plan one client operation.

The stages in a row, each with its own failure turned into the client's
GraphQL errors (:class:`~router.prepare.errors.OperationRejected`):
:func:`router.operation.prepare` (parse and validate against the API schema,
choose the operation, normalise), :func:`router.operation.authorize`
(remove what ``access`` may not see), :func:`router.planner.plan`. Pure and
synchronous, like the stages it calls: the caller caches the result and
keeps it off the event loop.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError, GraphQLSyntaxError, OperationType, value_from_ast_untyped

from router.errors import ErrorCode, error, formatted_error
from router.operation import Operation, OperationError, authorize
from router.operation import prepare as prepare_operation
from router.operation.errors import OperationRefused
from router.operation.guard import OperationGuard
from router.plan import OperationKind
from router.planner import (
    DEFAULT_BUDGET,
    DEFAULT_MAX_DEFER_CONDITIONS,
    PlanningError,
    TooManyDeferConditions,
    UnknownInputValue,
    defer_variables,
    defers_always,
    plan,
)
from router.planner import (
    PlanningBudgetExceeded as PlannerBudgetExceeded,
)
from router.prepare.errors import OperationRejected, PlanningBudgetExceeded
from router.prepare.prepared import NO_DEFERRAL, Deferral, Prepared
from router.supergraph import Supergraph
from router.supergraph.authorization import ANONYMOUS, Access

_OPERATION_TYPES = {
    OperationKind.QUERY: OperationType.QUERY,
    OperationKind.MUTATION: OperationType.MUTATION,
    OperationKind.SUBSCRIPTION: OperationType.SUBSCRIPTION,
}


@dataclass(frozen=True, slots=True)
class PlanningLimits:
    """How much planning one operation may cost (``[limits]`` in the router's config).

    ``budget`` is the planner's step budget, shared by every plan of the
    operation; ``max_defer_conditions`` the most distinct ``@defer(if: $v)``
    variables planned (each one doubles the plans); ``guard`` the operation
    limits and rules checked before validation (:mod:`router.operation.guard`).
    """

    budget: int = DEFAULT_BUDGET
    max_defer_conditions: int = DEFAULT_MAX_DEFER_CONDITIONS
    guard: OperationGuard | None = None


def prepare(
    supergraph: Supergraph,
    query: str,
    operation_name: str | None,
    *,
    access: Access = ANONYMOUS,
    limits: PlanningLimits = PlanningLimits(),
    override_labels: frozenset[str] = frozenset(),
) -> Prepared:
    """The operation of ``query`` named ``operation_name``, as ``access`` may see it, planned.

    ``override_labels`` are the progressive ``@override`` labels on for this
    request. Raises :class:`OperationRejected` (:class:`PlanningBudgetExceeded`
    when it is too costly to plan).
    """
    try:
        prepared = prepare_operation(supergraph, query, operation_name, limits.guard)
    except OperationRefused as refused:
        raise OperationRejected([error(refused.message, refused.code)]) from refused
    except OperationError as exc:
        raise OperationRejected([formatted_error(e, _code(e)) for e in exc.errors]) from exc
    authorized = authorize(prepared, supergraph, access)
    operation = authorized.operation
    try:
        query_plan = plan(
            supergraph,
            operation,
            budget=limits.budget,
            max_defer_conditions=limits.max_defer_conditions,
            override_labels=override_labels,
        )
    except TooManyDeferConditions as exc:
        raise PlanningBudgetExceeded(str(exc), ErrorCode.TOO_MANY_DEFER_CONDITIONS) from exc
    except PlannerBudgetExceeded as exc:
        raise PlanningBudgetExceeded(
            f"The operation is too complex to plan within the budget of {limits.budget} "
            "steps: split it into smaller operations"
        ) from exc
    except UnknownInputValue as exc:
        # Apollo Router's code for an enum value a variable cannot carry (see
        # router.execution.input_values): the client chose a value this field cannot take.
        raise OperationRejected([error(str(exc), ErrorCode.GRAPHQL_VALIDATION_FAILED)]) from exc
    except PlanningError as exc:
        # The supergraph cannot serve this selection: say so rather than a bare 500.
        raise OperationRejected([error(str(exc), ErrorCode.QUERY_PLANNING_FAILED)]) from exc
    return Prepared(
        document=operation.document,
        operation_type=_OPERATION_TYPES[operation.kind],
        plan=query_plan,
        unauthorized=authorized.unauthorized,
        unauthorized_fragments=authorized.fragments,
        refused_fragments=authorized.refused,
        expanded_fragments=authorized.expanded,
        operation_name=operation.name,
        deferral=_deferral(operation),
        policies=authorized.policies,
    )


def _deferral(operation: Operation) -> Deferral:
    always, variables = defers_always(operation), defer_variables(operation)
    if not always and not variables:
        return NO_DEFERRAL
    defaults = {
        d.variable.name.value: bool(value_from_ast_untyped(d.default_value))
        for d in operation.definition.variable_definitions or ()
        if d.default_value is not None
    }
    return Deferral(always, {name: defaults.get(name, False) for name in variables})


def _code(error: GraphQLError) -> ErrorCode:
    """Apollo's codes, so clients can tell a typo in the document from a schema mismatch."""
    if isinstance(error, GraphQLSyntaxError):
        return ErrorCode.GRAPHQL_PARSE_FAILED
    return ErrorCode.GRAPHQL_VALIDATION_FAILED
