"""One GraphQL request through the router: params → prepare (cached) → execute → respond.

Kept apart from Starlette routing so the order of the stages reads in one
place. :meth:`Pipeline.prepare` gives the request's operation prepared for
the graph in service (:class:`Ready`; a cached plan, or one planned off the
event loop), refusing what the method cannot carry. :meth:`Pipeline.execute`
answers a plain HTTP request: the result, its headers and, when asked for,
the printed plan (in parts, :class:`Parts`, for an operation deferring
fragments, when the client accepts ``multipart/mixed``; a 406 when it does
not, as Apollo Router does). :meth:`Pipeline.stream` gives the results of any
operation, a subscription's included, for the streaming transports
(WebSocket, Server-Sent Events).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from graphql import OperationType

from router.cache import EntityCache, RequestCache
from router.execution import (
    ExecutionRequest,
    ExecutionResult,
    SubgraphErrorPolicy,
    execute,
    execute_incremental,
    subscribe,
)
from router.http.answer_errors import one_per_cause
from router.http.errors import BadRequest, DeferNotAccepted, MethodNotAllowed
from router.http.front import FrontHalf, LoadedGraph
from router.http.headers import client_response_headers
from router.http.live_graph import LiveGraph
from router.http.negotiation import status_for_result
from router.http.params import GraphQLParams
from router.http.persisted import PersistedQueries
from router.prepare import Prepared
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
class Ready:
    """A request's operation, prepared for the graph in service."""

    graph: LoadedGraph
    prepared: Prepared
    params: GraphQLParams

    def request(self, forwarded: Headers) -> ExecutionRequest:
        return ExecutionRequest(
            schema=self.graph.api_schema,
            document=self.prepared.document,
            operation_name=self.params.operation_name,
            variables=self.params.variables,
            headers=forwarded,
            unauthorized=self.prepared.unauthorized,
            unauthorized_fragments=self.prepared.unauthorized_fragments,
            refused_fragments=self.prepared.refused_fragments,
            expanded_fragments=self.prepared.expanded_fragments,
        )


@dataclass(frozen=True, slots=True)
class Pipeline:
    live: LiveGraph
    front: FrontHalf
    transport: Transport
    subscriptions: SubscriptionTransport
    error_policy: SubgraphErrorPolicy
    persisted: PersistedQueries | None = None
    cache: EntityCache | None = None

    async def prepare(
        self, params: GraphQLParams, *, method: str, access: Access = ANONYMOUS
    ) -> Ready:
        """The operation as ``access`` may see it, planned; GET carries queries and subscriptions only."""
        persisted = self.persisted
        if persisted is None or persisted.passes_through(params):
            query, register = params.query, None
        else:
            query, register = await persisted.query_of(params)
        graph, prepared = await self.live.prepare(query, params.operation_name, access)
        if register is not None and persisted is not None:
            await persisted.register(register, query)
        if method == "GET" and prepared.operation_type is OperationType.MUTATION:
            raise MethodNotAllowed(
                "Mutations are only accepted over POST", headers={"Allow": "POST"}
            )
        return Ready(graph, prepared, params)

    async def execute(
        self,
        ready: Ready,
        *,
        forwarded: Headers,
        media_type: str,
        include_plan: bool,
        multipart: bool = False,
        subject: str | None = None,
    ) -> Answer | Parts:
        """The answer to one HTTP request; a subscription is refused (it needs a stream).

        ``subject`` is the verified token's subject: private cached answers are keyed by it.
        """
        prepared = ready.prepared
        if prepared.operation_type is OperationType.SUBSCRIPTION:
            raise BadRequest(
                "Subscriptions are not answered with a single HTTP response: "
                f"subscribe over {SUBSCRIPTION_TRANSPORTS}"
            )
        request = ready.request(forwarded)
        if prepared.deferral.active(ready.params.variables):
            if not multipart:
                raise DeferNotAccepted()
            return await self._parts(prepared, request)
        cache = (
            RequestCache(
                self.cache,
                ready.graph.entity_keys,
                subject,
                reads=prepared.operation_type is OperationType.QUERY,
            )
            if self.cache
            else None
        )
        result = await execute(
            prepared.plan, request, self.transport, error_policy=self.error_policy, cache=cache
        )
        body = result.formatted()
        if "errors" in body:
            body["errors"] = one_per_cause(body["errors"])
        if include_plan:
            notes = cache.notes() if cache is not None else None
            printed = (
                self.front.print_plan(prepared.plan, notes)
                if notes
                else self.front.print_plan(prepared.plan)
            )
            body["extensions"] = {"queryPlan": printed}
        headers = client_response_headers(result.subgraph_headers)
        return Answer(status_for_result(result.data_present, media_type), body, headers)

    def stream(self, ready: Ready, *, forwarded: Headers) -> AsyncGenerator[ExecutionResult, None]:
        """The operation's results one by one.

        A query or mutation gives one result, a subscription one per event (one
        only when authorization removed all it asked for). A result without
        ``data`` (``data_present`` false) ends the stream with errors.
        """
        prepared, request = ready.prepared, ready.request(forwarded)
        if prepared.operation_type is OperationType.SUBSCRIPTION and prepared.plan.node is not None:
            return subscribe(
                prepared.plan,
                request,
                self.transport,
                self.subscriptions,
                error_policy=self.error_policy,
            )
        return self._once(prepared, request)

    async def _parts(self, prepared: Prepared, request: ExecutionRequest) -> Parts:
        payloads = execute_incremental(
            prepared.plan, request, self.transport, error_policy=self.error_policy
        )
        first, result = await anext(payloads)
        headers = client_response_headers(result.subgraph_headers if result else ())
        return Parts(first, _payloads_only(payloads), headers)

    async def _once(
        self, prepared: Prepared, request: ExecutionRequest
    ) -> AsyncGenerator[ExecutionResult, None]:
        yield await execute(prepared.plan, request, self.transport, error_policy=self.error_policy)


async def _payloads_only(
    payloads: AsyncGenerator[tuple[dict[str, Any], ExecutionResult | None], None],
) -> AsyncGenerator[dict[str, Any], None]:
    try:
        async for payload, _ in payloads:
            yield payload
    finally:
        await payloads.aclose()
