"""One client operation's run: variables coerced once, a response tree per pass, the shaped answer.

:func:`start_run` does the spec's request checks (the operation exists, its
variable values coerce, and no subgraph the plan sends them to lacks one of
their enum values or input fields); a failure is the request-error result,
with no ``data``. A :class:`Run` then hands out a fresh :class:`RunState` for each pass
over the plan (a query has one pass, a subscription one per event) and turns a
finished state into the client's answer: introspection answered locally,
then the tree shaped from the client's own operation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from graphql.execution.values import VariableValues, get_variable_values

from router.cache import RequestCache
from router.errors import ErrorCode, formatted_error
from router.execution.errors import PlanShapeError
from router.execution.input_values import refused_variables
from router.execution.introspection import execute_introspection, introspection_fields
from router.execution.request import (
    ExecutionRequest,
    ExecutionResult,
    unauthorized_error,
)
from router.execution.shaping import (
    PendingDefer,
    ShapingContext,
    collect_fields,
    root_fields,
    shape_response,
)
from router.execution.shaping_cache import SHAPING_CACHES
from router.execution.shaping_fast import NeedsPaths, shape_without_paths
from router.execution.state import RunState
from router.execution.subgraph_errors import SubgraphErrorPolicy
from router.plan import QueryPlan
from router.transport.types import Transport


@dataclass(frozen=True, slots=True)
class Run:
    request: ExecutionRequest
    operation: OperationDefinitionNode
    root_type: GraphQLObjectType
    variables: VariableValues
    transport: Transport
    policy: SubgraphErrorPolicy
    cache: RequestCache | None = None

    def new_state(self) -> RunState:
        return RunState(
            schema=self.request.schema,
            transport=self.transport,
            variables=self.variables.coerced,
            headers=self.request.headers,
            policy=self.policy,
            cache=self.cache,
        )

    def shaping_context(self, pending: list[PendingDefer] | None = None) -> ShapingContext:
        """A fresh context for shaping; ``pending`` set means deferred fragments are left out."""
        request = self.request
        fragments, cache = SHAPING_CACHES.get(
            request.document,
            self.variables.coerced,
            deferring=pending is not None,
            refused=request.refused_fragments,
        )
        unauthorized, expanded_fragments, above_unauthorized = _removals(request)
        return ShapingContext(
            schema=request.schema,
            fragments=fragments,
            variables=self.variables,
            errors=[],
            reported=set(),
            cache=cache,
            pending=pending,
            unauthorized=unauthorized,
            expanded_fragments=expanded_fragments,
            above_unauthorized=above_unauthorized,
            refused=request.refused_fragments,
        )

    def result(self, state: RunState, pending: list[PendingDefer] | None = None) -> ExecutionResult:
        """The client's answer from a finished pass over the plan.

        With ``pending``, the answer leaves deferred fragments out and notes them there.
        """
        request, operation = self.request, self.operation
        context = self.shaping_context(pending)
        preshaped: dict[str, Any] = {}
        wanted = introspection_fields(
            root_fields(context, self.root_type, operation)[0]
            if pending is None  # deferring leaves deferred root fragments out of root_fields
            else collect_fields(context, self.root_type, [operation.selection_set])
        )
        if wanted:
            preshaped, introspection_errors = execute_introspection(
                request, operation, wanted, request.variables or {}
            )
            state.errors.extend(introspection_errors)

        try:
            if request.refused_fragments:
                raise NeedsPaths  # fields only under them answer null: shaping_fast would copy them
            data: dict[str, Any] | None = shape_without_paths(
                context, operation, self.root_type, state.data, preshaped
            )
        except NeedsPaths:
            context.reported.update(error_paths(state.errors))
            data = shape_response(context, operation, self.root_type, state.data, preshaped)
        return ExecutionResult(
            data=data,
            errors=(
                *map(unauthorized_error, request.unauthorized),
                *state.errors,
                *context.errors,
            ),
            subgraph_headers=tuple(state.subgraph_headers),
        )


def start_run(
    plan: QueryPlan,
    request: ExecutionRequest,
    transport: Transport,
    policy: SubgraphErrorPolicy,
    cache: RequestCache | None = None,
) -> Run | ExecutionResult:
    """The run of ``request`` over ``plan``, or the request-error result (no ``data``) that ends it."""
    operation = get_operation_ast(request.document, request.operation_name)
    if operation is None:
        return request_error(f"Unknown operation named '{request.operation_name or ''}'.")
    coerced = get_variable_values(
        request.schema, operation.variable_definitions or (), dict(request.variables or {})
    )
    if isinstance(coerced, list):
        # Apollo's code for variable values that do not fit their types.
        return ExecutionResult(
            data=None,
            errors=tuple(formatted_error(e, ErrorCode.BAD_USER_INPUT) for e in coerced),
            data_present=False,
        )
    refused = refused_variables(plan, operation, request.schema, coerced.coerced)
    if refused:
        return ExecutionResult(data=None, errors=tuple(refused), data_present=False)
    root_type = _root_type(request, operation)
    return Run(request, operation, root_type, coerced, transport, policy, cache)


_Removals = tuple[
    frozenset[tuple[str, ...]], frozenset[tuple[tuple[str, ...], str]], frozenset[tuple[str, ...]]
]
_NOTHING_REMOVED: _Removals = (frozenset(), frozenset(), frozenset())


def _removals(request: ExecutionRequest) -> _Removals:
    """Where authorization removed fields, where it removed fragments the client did not
    write as such (with their type condition), and the paths above every removal."""
    if not request.unauthorized and not request.unauthorized_fragments:
        return _NOTHING_REMOVED
    return (
        # A removed fragment's path stands for the objects it applies to there only.
        frozenset(
            Counter(request.unauthorized)
            - Counter(path for path, _ in request.unauthorized_fragments)
        ),
        frozenset(request.expanded_fragments),
        frozenset(path[:length] for path in request.unauthorized for length in range(1, len(path))),
    )


def request_error(message: str) -> ExecutionResult:
    return ExecutionResult(
        data=None,
        errors=(formatted_error(GraphQLError(message), ErrorCode.GRAPHQL_VALIDATION_FAILED),),
        data_present=False,
    )


def _root_type(request: ExecutionRequest, operation: OperationDefinitionNode) -> GraphQLObjectType:
    schema, kind = request.schema, operation.operation
    if kind is OperationType.QUERY:
        root = schema.query_type
    elif kind is OperationType.MUTATION:
        root = schema.mutation_type
    else:
        root = schema.subscription_type
    if root is None:
        raise PlanShapeError(f"the schema has no {kind.value} root type")
    return root


def error_paths(errors: list[dict[str, Any]]) -> set[tuple[str | int, ...]]:
    return {tuple(e["path"]) for e in errors if isinstance(e.get("path"), list)}
