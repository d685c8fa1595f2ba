"""``execute(plan, request, transport)``: run a query plan, then shape the client's answer.

The spec's ExecuteRequest, federated: coerce variable values and refuse those
a receiving subgraph does not know (request errors stop here, with no
``data``), run the plan's nodes against the subgraphs into
one response tree (Sequence in order, Parallel concurrently, Condition on a
boolean variable, Flatten + Fetch for entities), answer introspection
locally, then shape the tree into the response the client's operation asks
for.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    get_operation_ast,
)
from graphql.execution.values import get_variable_values

from router.execution.errors import PlanShapeError
from router.execution.fetch import execute_entity_fetch, execute_root_fetch
from router.execution.input_values import refused_variables
from router.execution.introspection import execute_introspection, introspection_fields
from router.execution.request import ExecutionRequest, ExecutionResult, formatted_error
from router.execution.shaping import ShapingContext, collect_fields, shape_response
from router.execution.state import RunState
from router.execution.subgraph_errors import SubgraphErrorPolicy
from router.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
)
from router.transport.types import Transport

_DEFAULT_POLICY = SubgraphErrorPolicy()
BAD_USER_INPUT = "BAD_USER_INPUT"


async def execute(
    plan: QueryPlan,
    request: ExecutionRequest,
    transport: Transport,
    *,
    error_policy: SubgraphErrorPolicy = _DEFAULT_POLICY,
) -> ExecutionResult:
    operation = get_operation_ast(request.document, request.operation_name)
    if operation is None:
        return _request_error(f"Unknown operation named '{request.operation_name or ''}'.")
    coerced = get_variable_values(
        request.schema, operation.variable_definitions or (), dict(request.variables or {})
    )
    if isinstance(coerced, list):
        # Apollo's code for variable values that do not fit their types.
        return ExecutionResult(
            data=None,
            errors=tuple(formatted_error(e, BAD_USER_INPUT) for e in coerced),
            data_present=False,
        )
    refused = refused_variables(plan, operation, request.schema, coerced.coerced)
    if refused:
        return ExecutionResult(data=None, errors=tuple(refused), data_present=False)
    root_type = _root_type(request, operation)

    state = RunState(
        schema=request.schema,
        transport=transport,
        variables=coerced.coerced,
        headers=request.headers,
        policy=error_policy,
    )
    if plan.node is not None:
        await execute_node(plan.node, state)

    fragments = {
        d.name.value: d
        for d in request.document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }
    context = ShapingContext(
        schema=request.schema,
        fragments=fragments,
        variables=coerced,
        errors=[],
        reported=set(),
    )
    preshaped: dict[str, Any] = {}
    wanted = introspection_fields(collect_fields(context, root_type, [operation.selection_set]))
    if wanted:
        preshaped, introspection_errors = execute_introspection(
            request, operation, wanted, request.variables or {}
        )
        state.errors.extend(introspection_errors)

    context.reported.update(_error_paths(state.errors))
    data = shape_response(context, operation, root_type, state.data, preshaped)
    return ExecutionResult(
        data=data,
        errors=(*state.errors, *context.errors),
        subgraph_headers=tuple(state.subgraph_headers),
    )


async def execute_node(node: PlanNode, state: RunState) -> None:
    if isinstance(node, FetchNode):
        await execute_root_fetch(node, state)
    elif isinstance(node, FlattenNode):
        if not isinstance(node.node, FetchNode):
            raise PlanShapeError(f"Flatten at {node.path} wraps {type(node.node).__name__}")
        await execute_entity_fetch(node.node, (node.path,), state)
    elif isinstance(node, SequenceNode):
        for child in node.nodes:
            await execute_node(child, state)
    elif isinstance(node, ParallelNode):
        for step in _lockstep(node):
            await asyncio.gather(*(_execute_parallel_part(part, state) for part in _parts(step)))
    elif isinstance(node, ConditionNode):
        branch = node.if_clause if state.variables.get(node.condition) else node.else_clause
        if branch is not None:
            await execute_node(branch, state)


_Batch = tuple[FetchNode, tuple[tuple[str, ...], ...]]


def _lockstep(node: ParallelNode) -> list[tuple[PlanNode, ...]]:
    """A Parallel of Sequences as steps: step ``i`` runs the ``i``-th node of every branch.

    Each branch keeps its order and branches never depend on one another, so
    running them side by side step by step is the same plan; it lets the same
    hop in two branches (authors reached from users and from top products)
    share a request in :func:`_parts`. The cost: a step waits for its slowest
    branch. A Parallel without Sequences is one step, as before.
    """
    branches = [
        child.nodes if isinstance(child, SequenceNode) else (child,) for child in node.nodes
    ]
    steps: list[tuple[PlanNode, ...]] = []
    for index in range(max(len(branch) for branch in branches)):
        step: list[PlanNode] = []
        for branch in branches:
            if index < len(branch):
                part = branch[index]
                step.extend(part.nodes if isinstance(part, ParallelNode) else (part,))
        steps.append(tuple(step))
    return steps


def _parts(nodes: tuple[PlanNode, ...]) -> list[PlanNode | _Batch]:
    """Nodes to run in parallel, with identical entity fetches at different paths batched.

    Siblings in a Parallel never depend on each other, so two Flatten fetches that
    send the same selection to the same subgraph (the same type reached along two
    paths) can share one ``_entities`` request: fewer subgraph round trips, and the
    representations are deduplicated across both paths.
    """
    batches: dict[FetchNode, list[FlattenNode]] = {}
    order: list[PlanNode | FetchNode] = []
    for child in nodes:
        if isinstance(child, FlattenNode) and isinstance(child.node, FetchNode):
            key = _batch_key(child.node)
            if key not in batches:
                batches[key] = []
                order.append(key)
            batches[key].append(child)
        else:
            order.append(child)
    if len(order) == len(nodes):
        return list(nodes)
    parts: list[PlanNode | _Batch] = []
    for part in order:
        if not isinstance(part, FetchNode):
            parts.append(part)
            continue
        flattens = batches[part]
        if len(flattens) == 1:
            parts.append(flattens[0])
            continue
        # The first fetch's own text (with its name) is what the subgraph sees.
        first = flattens[0].node
        assert isinstance(first, FetchNode)
        parts.append((first, tuple(f.path for f in flattens)))
    return parts


def _batch_key(fetch: FetchNode) -> FetchNode:
    """The fetch without its name: fetches equal under this send the same request."""
    if fetch.operation_name is None:
        return fetch
    return dataclasses.replace(
        fetch,
        operation=fetch.operation.replace(f" {fetch.operation_name}", "", 1),
        operation_name=None,
    )


async def _execute_parallel_part(part: PlanNode | _Batch, state: RunState) -> None:
    if isinstance(part, tuple):
        fetch, paths = part
        await execute_entity_fetch(fetch, paths, state)
    else:
        await execute_node(part, state)


def _root_type(request: ExecutionRequest, operation: OperationDefinitionNode) -> GraphQLObjectType:
    schema = request.schema
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    if root is None:
        raise PlanShapeError(f"the schema has no {operation.operation.value} root type")
    return root


def _error_paths(errors: list[dict[str, Any]]) -> set[tuple[str | int, ...]]:
    return {tuple(e["path"]) for e in errors if isinstance(e.get("path"), list)}


def _request_error(message: str) -> ExecutionResult:
    return ExecutionResult(
        data=None,
        errors=(formatted_error(GraphQLError(message)),),
        data_present=False,
    )
