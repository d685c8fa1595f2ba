"""The router's OpenTelemetry spans: request → plan → each subgraph fetch.

Installed only when tracing is on (``create_router_app(tracer=…)``). The
request span continues the client's W3C ``traceparent``; each fetch span is
a child of the request that sent it (the leader's, when deduplication
shares one fetch) and its own context replaces any ``traceparent`` and
``tracestate`` the fetch carried, so the subgraph continues this trace.
No span carries the query text or variables.
"""

from __future__ import annotations

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from starlette.types import ASGIApp, Receive, Scope, Send

from router.transport.types import SubgraphRequest, SubgraphResponse, Transport

TRACE_HEADERS = frozenset({"traceparent", "tracestate"})


class TracedRequests:
    """ASGI middleware: one server span per HTTP request or WebSocket connection.

    The router's, and (added by ``beyond``) each service's, continuing the
    caller's W3C ``traceparent``.
    """

    def __init__(self, app: ASGIApp, tracer: Tracer) -> None:
        self._app = app
        self._tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        name = f"{scope.get('method', 'WEBSOCKET')} {scope['path']}"
        with self._tracer.start_as_current_span(
            name, context=propagate.extract(carrier), kind=SpanKind.SERVER
        ):
            await self._app(scope, receive, send)


class TracedTransport:
    """A client span per subgraph request, its context sent as ``traceparent``."""

    def __init__(self, inner: Transport, tracer: Tracer) -> None:
        self._inner = inner
        self._tracer = tracer

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        with self._tracer.start_as_current_span(
            f"fetch {service_name}", kind=SpanKind.CLIENT
        ) as span:
            span.set_attribute("graphql.subgraph", service_name)
            if request.operation_name:
                span.set_attribute("graphql.operation.name", request.operation_name)
            carrier: dict[str, str] = {}
            propagate.inject(carrier)
            headers = (
                *(h for h in request.headers if h[0].lower() not in TRACE_HEADERS),
                *carrier.items(),
            )
            response = await self._inner.fetch(
                service_name,
                SubgraphRequest(
                    query=request.query,
                    operation_name=request.operation_name,
                    variables=request.variables,
                    headers=headers,
                ),
            )
            if response.errors:
                span.set_status(Status(StatusCode.ERROR, "the subgraph answered with errors"))
            return response


def tracer() -> Tracer:
    return trace.get_tracer("beyond.router")
