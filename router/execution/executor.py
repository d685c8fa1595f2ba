"""``execute(plan, request, transport)``: run a query plan, then shape the client's answer.

The spec's ExecuteRequest, federated: coerce variable values and refuse those
a receiving subgraph does not know (request errors stop here, with no
``data``), run the plan's nodes against the subgraphs into one response tree
exactly as the plan says (Sequence in order, Parallel concurrently, Condition
on a boolean variable, Flatten + Fetch for entities, one request for all of a
Flatten's paths, Defer all at once), then shape the tree into the response
the client's operation asks for (:mod:`.run`). A subscription's plan is run
event by event by :mod:`.subscription`, which walks its ``Rest`` here.
"""

from __future__ import annotations

import asyncio

from router.cache import RequestCache
from router.execution.cached_fetch import execute_cached_entity_fetch, execute_cached_root_fetch
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
    cache: RequestCache | None = None,
) -> ExecutionResult:
    """``cache``: this request's use of the entity cache, when it is on."""
    run = start_run(plan, request, transport, error_policy, cache)
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
        if state.cache is None:
            await execute_root_fetch(node, state)
        else:
            await execute_cached_root_fetch(node, state, state.cache)
    elif isinstance(node, FlattenNode):
        if not isinstance(node.node, FetchNode):
            raise PlanShapeError(f"Flatten at {node.path} wraps {type(node.node).__name__}")
        if state.cache is None:
            await execute_entity_fetch(node.node, node.paths, state)
        else:
            await execute_cached_entity_fetch(node.node, node.paths, state, state.cache)
    elif isinstance(node, SequenceNode):
        for child in node.nodes:
            await execute_node(child, state)
    elif isinstance(node, ParallelNode):
        await asyncio.gather(*(execute_node(child, state) for child in node.nodes))
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
