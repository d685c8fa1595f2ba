"""One GraphQL request through the router: params → prepared plan → execution → response parts.

Kept apart from Starlette routing so the order of the stages reads in one
place: read parameters, prepare (cached plan), refuse what the method or
transport cannot carry, execute, then attach headers and, when asked for,
the printed plan. :meth:`Pipeline.run` answers a plain HTTP request (in
parts, :class:`Parts`, for an operation deferring fragments, when the client
accepts ``multipart/mixed``; a 406 when it does not, as Apollo Router does);
:meth:`Pipeline.stream` gives the results of any operation, a subscription's
included, for the streaming transports (WebSocket, Server-Sent Events).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from graphql import OperationType, get_operation_ast, value_from_ast_untyped

from router.execution import (
    ExecutionRequest,
    ExecutionResult,
    SubgraphErrorPolicy,
    active_defer,
    execute,
    execute_incremental,
    subscribe,
)
from router.http.errors import BadRequest, DeferNotAccepted, MethodNotAllowed
from router.http.front import FrontHalf, LoadedGraph
from router.http.headers import client_response_headers
from router.http.live_graph import LiveGraph
from router.http.negotiation import status_for_result
from router.http.params import GraphQLParams
from router.http.persisted import PersistedQueries
from router.http.plan_cache import PreparedPlan
from router.plan import ConditionNode, DeferNode
from router.supergraph.authorization import ANONYMOUS, Access
from router.transport.types import Headers, SubscriptionTransport, Transport

SUBSCRIPTION_TRANSPORTS = (
    "a WebSocket (subprotocol graphql-transport-ws or graphql-ws) "
    "or Server-Sent Events (Accept: text/event-stream)"
)


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Parts:
    """A deferred operation's answer: the first payload, then the rest as they come."""

    first: dict[str, Any]
    rest: AsyncGenerator[dict[str, Any], None]
    headers: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Pipeline:
    live: LiveGraph
    front: FrontHalf
    transport: Transport
    subscriptions: SubscriptionTransport
    error_policy: SubgraphErrorPolicy
    persisted: PersistedQueries | None = None

    async def run(
        self,
        params: GraphQLParams,
        *,
        method: str,
        forwarded: Headers,
        media_type: str,
        include_plan: bool,
        multipart: bool = False,
        access: Access = ANONYMOUS,
    ) -> Answer | Parts:
        graph, prepared = await self.prepare(params, method=method, access=access)
        if prepared.operation_type is OperationType.SUBSCRIPTION:
            raise BadRequest(
                "Subscriptions are not answered with a single HTTP response: "
                f"subscribe over {SUBSCRIPTION_TRANSPORTS}"
            )
        request = _request(graph, prepared, params, forwarded)
        if _defers(prepared, params):
            if not multipart:
                raise DeferNotAccepted()
            return await self.parts(prepared, request)
        result = await self._execute(prepared, request)
        body = result.formatted()
        if include_plan:
            body["extensions"] = {"queryPlan": self.front.print_plan(prepared.plan)}
        headers = client_response_headers(result.subgraph_headers)
        return Answer(status_for_result(result.data_present, media_type), body, headers)

    async def parts(self, prepared: PreparedPlan, request: ExecutionRequest) -> Parts:
        payloads = execute_incremental(
            prepared.plan, request, self.transport, error_policy=self.error_policy
        )
        first, result = await anext(payloads)
        headers = client_response_headers(result.subgraph_headers if result else ())
        return Parts(first, _payloads_only(payloads), headers)

    async def prepare(
        self, params: GraphQLParams, *, method: str, access: Access = ANONYMOUS
    ) -> tuple[LoadedGraph, PreparedPlan]:
        """The served graph and the plan of what ``access`` may see; GET carries queries and subscriptions only."""
        query, register = (
            await self.persisted.query_of(params) if self.persisted else (params.query, None)
        )
        graph, prepared = await self.live.prepare(query, params.operation_name, access)
        if register is not None and self.persisted is not None:
            await self.persisted.register(register, query)
        if method == "GET" and prepared.operation_type is OperationType.MUTATION:
            raise MethodNotAllowed(
                "Mutations are only accepted over POST", headers={"Allow": "POST"}
            )
        return graph, prepared

    async def stream(
        self,
        params: GraphQLParams,
        *,
        method: str,
        forwarded: Headers,
        access: Access = ANONYMOUS,
    ) -> AsyncGenerator[ExecutionResult, None]:
        """Prepare the operation (request errors raise here), then its results one by one.

        A query or mutation gives one result, a subscription one per event (one
        only when authorization removed all it asked for). A result without
        ``data`` (``data_present`` false) ends the stream with errors.
        """
        graph, prepared = await self.prepare(params, method=method, access=access)
        request = _request(graph, prepared, params, forwarded)
        if prepared.operation_type is OperationType.SUBSCRIPTION and prepared.plan.node is not None:
            return subscribe(
                prepared.plan,
                request,
                self.transport,
                self.subscriptions,
                error_policy=self.error_policy,
            )
        return self._once(prepared, request)

    async def _once(
        self, prepared: PreparedPlan, request: ExecutionRequest
    ) -> AsyncGenerator[ExecutionResult, None]:
        yield await self._execute(prepared, request)

    async def _execute(self, prepared: PreparedPlan, request: ExecutionRequest) -> ExecutionResult:
        return await execute(prepared.plan, request, self.transport, error_policy=self.error_policy)


async def _payloads_only(
    payloads: AsyncGenerator[tuple[dict[str, Any], ExecutionResult | None], None],
) -> AsyncGenerator[dict[str, Any], None]:
    try:
        async for payload, _ in payloads:
            yield payload
    finally:
        await payloads.aclose()


def _defers(prepared: PreparedPlan, params: GraphQLParams) -> bool:
    """The plan delivers fragments later with these variables (only a plan that can defer costs)."""
    node = prepared.plan.node
    if not isinstance(node, DeferNode | ConditionNode):
        return False
    return active_defer(node, _with_defaults(prepared, params)) is not None


def _with_defaults(prepared: PreparedPlan, params: GraphQLParams) -> dict[str, Any]:
    """The request's variables, with the operation's defaults for those it leaves out."""
    variables = dict(params.variables or {})
    operation = get_operation_ast(prepared.document, params.operation_name)
    for definition in (operation.variable_definitions or ()) if operation else ():
        name = definition.variable.name.value
        if name not in variables and definition.default_value is not None:
            variables[name] = value_from_ast_untyped(definition.default_value)
    return variables


def _request(
    graph: LoadedGraph, prepared: PreparedPlan, params: GraphQLParams, forwarded: Headers
) -> ExecutionRequest:
    return ExecutionRequest(
        schema=graph.api_schema,
        document=prepared.document,
        operation_name=params.operation_name,
        variables=params.variables,
        headers=forwarded,
        unauthorized=prepared.unauthorized,
    )
