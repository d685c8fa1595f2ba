"""``execute(plan, request, transport)``: run a query plan, then shape the client's answer.

The spec's ExecuteRequest, federated: coerce variable values and refuse those
a receiving subgraph does not know (request errors stop here, with no
``data``), run the plan's nodes against the subgraphs into one response tree (Sequence in order, Parallel concurrently, Condition on a
boolean variable, Flatten + Fetch for entities, Defer all at once), then shape the tree into the
response the client's operation asks for (:mod:`.run`). A subscription's plan
is run event by event by :mod:`.subscription`, which walks its ``Rest`` here.
"""

from __future__ import annotations

import asyncio
import dataclasses

from router.execution.errors import PlanShapeError
from router.execution.fetch import execute_entity_fetch, execute_root_fetch
from router.execution.request import ExecutionRequest, ExecutionResult
from router.execution.run import start_run
from router.execution.state import RunState
from router.execution.subgraph_errors import SubgraphErrorPolicy
from router.plan import (
    ConditionNode,
    DeferNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    SequenceNode,
    SubscriptionNode,
)
from router.transport.types import Transport

DEFAULT_POLICY = SubgraphErrorPolicy()


async def execute(
    plan: QueryPlan,
    request: ExecutionRequest,
    transport: Transport,
    *,
    error_policy: SubgraphErrorPolicy = DEFAULT_POLICY,
) -> ExecutionResult:
    run = start_run(plan, request, transport, error_policy)
    if isinstance(run, ExecutionResult):
        return run
    if isinstance(plan.node, SubscriptionNode):
        raise PlanShapeError("a subscription's plan runs once per event: use subscribe()")
    state = run.new_state()
    if plan.node is not None:
        await execute_node(plan.node, state)
    return run.result(state)


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
    elif isinstance(node, DeferNode):
        # Everything at once (no incremental delivery): the primary, then every part.
        if node.primary.node is not None:
            await execute_node(node.primary.node, state)
        await asyncio.gather(
            *(execute_node(part.node, state) for part in node.deferred if part.node is not None)
        )
    elif isinstance(node, SubscriptionNode):
        raise PlanShapeError("a Subscription node is only ever a plan's top node")


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
