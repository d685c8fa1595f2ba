"""``subscribe(plan, request, transport, subscriptions)``: a federated subscription, event by event.

The plan's ``Primary`` fetch is sent once, through the subscription
transport, to the subgraph that owns the subscription root field. Every
event it sends is the root result of one pass over the plan's ``Rest``: a
fresh response tree seeded with the event exactly as a root fetch's answer
would be, the ``Rest``'s entity fetches over the ordinary transport, and
the same shaping as a query, so error paths and null bubbling are the
executor's own. Events are handled one at a time, so they reach the client
in the order the subgraph sent them; the next event waits in the connection
while the ``Rest`` of the previous one runs.

Like :func:`~router.execution.executor.execute`, this never raises for what
goes wrong at runtime: bad variables, a subgraph that refuses the
subscription or ends it with errors, or a lost connection end the stream
with one final result that has errors and no ``data``
(``data_present=False``); so does an event with errors and null ``data``,
which is how a subgraph ends a stream whose resolver raised. The stream simply ends when the subgraph
completes. Closing the generator ends the subscription at the subgraph.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator

from router.execution.errors import PlanShapeError
from router.execution.executor import DEFAULT_POLICY, execute_node
from router.execution.fetch import merge_root_response, subgraph_request
from router.execution.request import ExecutionRequest, ExecutionResult
from router.execution.run import start_run
from router.execution.subgraph_errors import (
    SubgraphErrorPolicy,
    client_error,
    request_id,
    root_error_path,
    subscription_failed_error,
)
from router.plan import QueryPlan, SubscriptionNode
from router.transport.errors import SubgraphSubscriptionError, TransportError
from router.transport.types import SubscriptionTransport, Transport


async def subscribe(
    plan: QueryPlan,
    request: ExecutionRequest,
    transport: Transport,
    subscriptions: SubscriptionTransport,
    *,
    error_policy: SubgraphErrorPolicy = DEFAULT_POLICY,
) -> AsyncGenerator[ExecutionResult, None]:
    node = plan.node
    if not isinstance(node, SubscriptionNode):
        raise PlanShapeError(f"a subscription needs a Subscription plan, not {node!r}")
    run = start_run(plan, request, transport, error_policy)
    if isinstance(run, ExecutionResult):
        yield run
        return
    primary = node.primary
    events = subscriptions.subscribe(
        primary.service_name, subgraph_request(primary, run.new_state())
    )
    async with contextlib.aclosing(events):
        try:
            async for event in events:
                if event.data is None and event.errors:
                    # The subgraph ended the stream with errors (a resolver raised after
                    # the subscription started): they end the client's operation as they are.
                    raise SubgraphSubscriptionError(primary.service_name, event.errors)
                state = run.new_state()
                merge_root_response(primary, event, state)
                if node.rest is not None:
                    await execute_node(node.rest, state)
                yield run.result(state)
        except SubgraphSubscriptionError as exc:
            errors = tuple(
                client_error(e, exc.service_name, root_error_path(e), error_policy)
                for e in exc.errors
            )
            yield ExecutionResult(data=None, errors=errors, data_present=False)
        except TransportError as exc:
            error = subscription_failed_error(
                exc.service_name, exc.reason, request_id(request.headers)
            )
            yield ExecutionResult(data=None, errors=(error,), data_present=False)
