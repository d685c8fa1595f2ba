"""``execute_incremental(plan, request, transport)``: a deferred plan's answer in parts.

The first payload is the primary plan's answer, shaped without the deferred
fragments (``{"data", "errors"?, "hasNext": true}``); shaping notes every
object a deferred fragment applies to (:class:`~.shaping.PendingDefer`).
Then the plan's deferred parts run side by side, on the same response tree;
as each finishes, the next payload carries one ``incremental`` item per
object at the part's path: ``{"data", "path", "label"?, "errors"?}``. A
part's fetch errors, and nulls bubbling inside the fragment, stay in its
items (an item whose fragment cannot be completed has ``data: null``).
A part whose plan is itself a Defer node (a nested defer) delivers its own
fragment and then starts its nested parts. The last payload has
``"hasNext": false``. Request errors give one payload, with no ``data``.
A plan with no Defer node for these variables gives one ordinary result.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncGenerator, Mapping
from typing import Any

from router.execution.executor import DEFAULT_POLICY, execute_node
from router.execution.request import ExecutionRequest, ExecutionResult
from router.execution.run import Run, error_paths, start_run
from router.execution.shaping import INVALID, NOT_APPLICABLE, PendingDefer, shape_deferred
from router.execution.state import RunState
from router.execution.subgraph_errors import SubgraphErrorPolicy
from router.plan import ConditionNode, DeferNode, DeferredNode, PlanNode, QueryPlan
from router.transport.types import Transport

Payload = dict[str, Any]


def active_defer(node: PlanNode | None, variables: Mapping[str, Any]) -> DeferNode | None:
    """The Defer node the plan runs with these variables (through Condition nodes), if any."""
    while isinstance(node, ConditionNode):
        node = node.if_clause if variables.get(node.condition) else node.else_clause
    return node if isinstance(node, DeferNode) else None


async def execute_incremental(
    plan: QueryPlan,
    request: ExecutionRequest,
    transport: Transport,
    *,
    error_policy: SubgraphErrorPolicy = DEFAULT_POLICY,
) -> AsyncGenerator[tuple[Payload, ExecutionResult | None], None]:
    """Payloads in order; the first comes with its :class:`ExecutionResult` (headers, status)."""
    run = start_run(plan, request, transport, error_policy)
    if isinstance(run, ExecutionResult):
        yield run.formatted(), run
        return
    state = run.new_state()
    defer = active_defer(plan.node, state.variables)
    if defer is None:
        if plan.node is not None:
            await execute_node(plan.node, state)
        result = run.result(state)
        yield result.formatted(), result
        return
    if defer.primary.node is not None:
        await execute_node(defer.primary.node, state)
    pending: list[PendingDefer] = []
    result = run.result(state, pending)
    pending = _still_there(pending, (), result.data)
    yield {**result.formatted(), "hasNext": bool(defer.deferred)}, result
    running = {asyncio.ensure_future(_part(run, state, d, pending)) for d in defer.deferred}
    try:
        while running:
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            items: list[Payload] = []
            for task in done:
                delivered, nested = task.result()
                items.extend(delivered)
                running |= {asyncio.ensure_future(_part(run, state, d, pending)) for d in nested}
            if items or not running:
                payload: Payload = {"hasNext": bool(running)}
                if items:
                    payload["incremental"] = items
                yield payload, None
    finally:
        for task in running:
            task.cancel()


async def _part(
    run: Run, state: RunState, part: DeferredNode, pending: list[PendingDefer]
) -> tuple[list[Payload], tuple[DeferredNode, ...]]:
    """Run one deferred part; its items, and the nested parts to start next."""
    # The same tree, errors of its own: they belong to this part's items.
    own = dataclasses.replace(state, errors=[], subgraph_headers=[])
    node = part.node
    nested: tuple[DeferredNode, ...] = ()
    if isinstance(part.node, DeferNode):
        node, nested = part.node.primary.node, part.node.deferred
    if node is not None:
        await execute_node(node, own)
    mine = [
        p
        for p in pending
        if p.offset == part.offset and tuple(s for s in p.path if isinstance(s, str)) == part.path
    ]
    items = [item for p in mine if (item := _item(run, own, p, part.label, pending)) is not None]
    unplaced = [e for e in own.errors if not any(e in item.get("errors", ()) for item in items)]
    if unplaced and items:
        items[0]["errors"] = [*items[0].get("errors", ()), *unplaced]
    return items, nested


def _item(
    run: Run,
    state: RunState,
    pending: PendingDefer,
    label: str | None,
    all_pending: list[PendingDefer],
) -> Payload | None:
    value = _at(state.data, pending.path)
    if value is None:
        return None
    nested: list[PendingDefer] = []
    context = run.shaping_context(nested)
    mine = [e for e in state.errors if _under(e.get("path"), pending.path)]
    context.reported.update(error_paths(mine))
    data = shape_deferred(context, pending, value)
    if data is NOT_APPLICABLE:
        return None
    if data is INVALID:
        data = None
    all_pending.extend(_still_there(nested, pending.path, data))
    item: Payload = {"data": data, "path": list(pending.path)}
    if label is not None:
        item["label"] = label
    errors = [*mine, *context.errors]
    if errors:
        item["errors"] = errors
    return item


def _at(value: Any, steps: tuple[str | int, ...]) -> Any:
    """The value at ``steps`` below ``value``; ``None`` when the path leads nowhere."""
    for step in steps:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _under(path: object, prefix: tuple[str | int, ...]) -> bool:
    return isinstance(path, list) and tuple(path[: len(prefix)]) == prefix


def _still_there(
    pending: list[PendingDefer], base: tuple[str | int, ...], data: Any
) -> list[PendingDefer]:
    """Pending fragments whose object survived shaping (null bubbling may have removed it)."""
    return [one for one in pending if isinstance(_at(data, one.path[len(base) :]), dict)]
