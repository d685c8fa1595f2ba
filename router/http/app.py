"""``create_router_app(config)``: the router's one composition root, a Starlette ASGI app.

Routes: ``/graphql`` (GraphQL over HTTP: POST, GET for queries, GraphiQL for
browsers; Server-Sent Events when asked for; ``multipart/mixed`` parts for
``@defer``; WebSocket with either GraphQL
subprotocol), ``/health`` (alive) and ``/ready`` (:mod:`router.http.readiness`). Everything is built when this is called,
nothing at import time; the supergraph watcher runs for the app's lifespan,
and the subgraph clients are closed when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

import orjson
from opentelemetry.trace import Tracer
from starlette.applications import Starlette
from starlette.datastructures import QueryParams
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

import router.http.access_log as access_log
from router.cache import CacheStore, EntityCache, KeySpace, TtlPolicy
from router.cache.invalidation import listen_for_invalidations
from router.config import RouterConfig
from router.errors import ErrorCode
from router.http.authentication import Authenticator
from router.http.client_address import REQUEST_ID_HEADER, Edge
from router.http.cors import add_cors
from router.http.errors import RequestError
from router.http.front import FrontHalf, LoadedGraph
from router.http.graphiql import graphiql_assets, graphiql_page
from router.http.headers import forwardable
from router.http.live_graph import LiveGraph
from router.http.multipart import multipart_response
from router.http.negotiation import (
    EVENT_STREAM,
    GRAPHQL_RESPONSE_JSON,
    JSON,
    accepts_multipart_defer,
    choose_media_type,
    status_for_rejected_operation,
    wants_html,
)
from router.http.params import read_params
from router.http.persisted import persisted_queries
from router.http.pipeline import Parts, Pipeline
from router.http.plan_switch import PlanSwitch
from router.http.policy_evaluator import PolicyEvaluator
from router.http.readiness import SubgraphReadiness
from router.http.sse import EventStream
from router.http.websocket import WebSocketEndpoint
from router.prepare import OperationRejected
from router.supergraph.authorization import ANONYMOUS
from router.telemetry import RouterMetrics
from router.telemetry.measured import counting_websockets
from router.transport import (
    BreakerTransport,
    DedupTransport,
    HttpTransport,
    PropagatingSubscriptions,
    PropagatingTransport,
    Transport,
)
from router.transport.balanced import BalancedTransport
from router.transport.types import EDGE_HEADERS, SubscriptionTransport
from router.transport.websocket import WebSocketSubscriptions
from shared.body_limits import BodyLimits
from shared.direct_http import Answer, DirectRoute, HttpRequest
from shared.lifecycle import running
from shared.redis import create_redis
from shared.registry.discovery import Discovery
from shared.registry.etcd import EtcdEndpoint, service_prefix
from shared.registry.p2c import P2C

log = logging.getLogger("router.http")

_GC_GEN0_THRESHOLD = 20_000


def create_router_app(
    config: RouterConfig,
    *,
    front: FrontHalf | None = None,
    transport: Transport | None = None,
    subscriptions: SubscriptionTransport | None = None,
    metrics: RouterMetrics | None = None,
    tracer: Tracer | None = None,
) -> RouterApp:
    """Serve ``config.supergraph``.

    ``transport`` replaces the HTTP client (tests mount apps in-process);
    ``subscriptions`` replaces the WebSocket client to subgraphs; ``metrics``
    turns on the Prometheus metrics and ``tracer`` the OpenTelemetry spans
    (:mod:`router.telemetry`).
    """
    if config.supergraph is None:
        raise ValueError("the router needs a supergraph file (config 'supergraph' or --supergraph)")
    if front is None:
        from router.http.federation import FederationFront

        front = FederationFront()
    if metrics is not None or tracer is not None:
        from router.telemetry.measured import ObservedFront

        front = ObservedFront(front, timed=metrics is not None, tracer=tracer)

    http_transport: HttpTransport | None = None
    ws_transport: WebSocketSubscriptions | None = None

    def on_swap(graph: LoadedGraph) -> None:
        if http_transport is not None:
            http_transport.set_urls(config.subgraph_urls(graph.subgraph_urls))
        if ws_transport is not None:
            ws_transport.set_endpoints(config.subscription_endpoints(graph.subgraph_urls))

    policy_evaluator: PolicyEvaluator | None = None
    if config.policy_evaluator is not None and (metrics is not None or tracer is not None):
        from router.telemetry.measured import ObservedPolicyEvaluator

        policy_evaluator = ObservedPolicyEvaluator(
            config.policy_evaluator, timed=metrics is not None, tracer=tracer
        )
    elif config.policy_evaluator is not None:
        policy_evaluator = PolicyEvaluator(config.policy_evaluator)
    live = LiveGraph(
        front,
        config.supergraph,
        cache_size=config.limits.plan_cache_size,
        limits=config.planning_limits(),
        cache_bytes=config.limits.plan_cache_bytes,
        max_cached_operation_bytes=config.limits.max_cached_operation_bytes,
        override_labels=config.override_labels,
        on_swap=on_swap,
        policy_evaluator=policy_evaluator,
    )
    discoveries: list[Discovery] = []
    if metrics is not None:
        from router.telemetry.measured import MeasuredPlanCache

        live.cache = MeasuredPlanCache(
            config.limits.plan_cache_size, config.limits.plan_cache_bytes
        )
    if transport is None:
        http_transport = HttpTransport(
            config.subgraph_urls(live.current.subgraph_urls),
            timeouts=config.timeouts(),
            default_timeout=config.timeout,
        )
        transport = http_transport
        if config.registry_etcd is not None and config.discovered():
            balancers = {name: P2C() for name in config.discovered()}
            etcd = EtcdEndpoint.parse(config.registry_etcd)
            discoveries = [
                Discovery(etcd, service_prefix(name, "graphql"), on_change=balancer.update)
                for name, balancer in balancers.items()
            ]
            transport = BalancedTransport(http_transport, balancers)
    readiness = SubgraphReadiness(transport, lambda: live.current.subgraph_urls)
    transport = BreakerTransport(
        transport, timeouts=config.timeouts(), default_timeout=config.timeout
    )
    if tracer is not None:
        from router.telemetry.tracing import TracedTransport

        transport = TracedTransport(transport, tracer)
    if metrics is not None:
        from router.telemetry.measured import MeasuredTransport

        transport = MeasuredTransport(transport)
    if config.dedup:
        transport = DedupTransport(transport, on_shared=metrics.dedup_hit if metrics else None)
    transport = access_log.AskedSubgraphs(
        PropagatingTransport(transport, config.propagated_headers)
    )
    if subscriptions is None:
        ws_transport = WebSocketSubscriptions(
            config.subscription_endpoints(live.current.subgraph_urls),
            timeouts=config.timeouts(),
            default_timeout=config.timeout,
            heartbeat=config.subscriptions.keepalive,
            multiplex=config.subscriptions.multiplex,
            operations_per_socket=config.subscriptions.operations_per_socket,
            max_buffered=config.subscriptions.max_buffered_events,
            stall=config.subscriptions.slow_consumer_timeout,
        )
        subscriptions = ws_transport
    if metrics is not None:
        from router.telemetry.measured import MeasuredSubscriptions

        subscriptions = MeasuredSubscriptions(subscriptions)
    subscriptions = PropagatingSubscriptions(subscriptions, config.propagated_headers)
    persisted = persisted_queries(config.persisted_queries)
    entity_cache = _entity_cache(config)
    pipeline = Pipeline(
        live, front, transport, subscriptions, config.error_policy(), persisted, entity_cache
    )
    # Client headers worth forwarding; the edge headers the router sets itself.
    forwarded_names = (
        frozenset(name for service in (None, *config.subgraphs) for name in _names(config, service))
        - EDGE_HEADERS
    )
    plan_header = config.query_plan_header.lower()
    plans = PlanSwitch(expose=config.expose_query_plan, secret=config.query_plan_secret)
    authenticator = Authenticator(config.authentication) if config.authentication else None
    edge = Edge(config.server.trusted_proxies, config.server.router_secret)
    websocket = WebSocketEndpoint(
        pipeline,
        authenticator=authenticator,
        forwarded_names=forwarded_names,
        init_timeout=config.subscriptions.init_timeout,
        keepalive=config.subscriptions.keepalive,
        max_operations=config.limits.max_subscriptions_per_connection,
        edge=edge,
    )

    async def graphql(request: HttpRequest) -> Response | JsonAnswer | EventStream:
        client_headers, first = _decoded(request.headers)
        request_id = first.get(REQUEST_ID_HEADER) or os.urandom(16).hex()
        started = metrics.start() if metrics is not None else 0.0
        operation_name: str | None = None

        def respond(
            status: int, body: dict[str, Any], headers: Iterable[tuple[str, str]]
        ) -> JsonAnswer:
            if metrics is not None:
                metrics.observe_request(operation_name, status, body, started)
            return _respond(status, body, media_type, request_id, headers)

        accept = first.get("accept")
        media_type = JSON
        if (
            request.method == "GET"
            and config.graphiql
            and wants_html(accept)
            and "query" not in QueryParams(request.query_string)
        ):
            shown = config.query_plan_header if config.expose_query_plan else None
            return HTMLResponse(graphiql_page(live.current.api_schema, shown))
        access_log.begin(request_id, first.get("traceparent"))
        # Errors before an event stream starts are JSON, with the status a
        # graphql-response+json client would get (400 for a rejected operation).
        status_media_type = JSON
        try:
            chosen = choose_media_type(accept)
            streaming = chosen == EVENT_STREAM
            media_type = JSON if streaming else chosen
            status_media_type = GRAPHQL_RESPONSE_JSON if streaming else chosen
            access = authenticator.from_headers(client_headers) if authenticator else ANONYMOUS
            params = read_params(request, first.get("content-type", ""))
            access_log.name_operation(params.operation_name, params.query)
            operation_name = params.operation_name
            ready = await pipeline.prepare(params, method=request.method, access=access)
            forwarded = (
                *forwardable(client_headers, forwarded_names),
                *edge.headers(request_id, request.peer, first.get("x-forwarded-for")),
            )
            if streaming:
                return EventStream(
                    pipeline.stream(ready, forwarded=forwarded),
                    keepalive=config.subscriptions.keepalive,
                    headers=[(REQUEST_ID_HEADER, request_id)],
                )
            answer = await pipeline.execute(
                ready,
                forwarded=forwarded,
                media_type=media_type,
                include_plan=plans.wanted(first.get(plan_header)),
                multipart=accepts_multipart_defer(accept),
                subject=access.subject,
            )
            if isinstance(answer, Parts):
                if metrics is not None:
                    metrics.observe_request(operation_name, 200, answer.first, started)
                headers = [*answer.headers, (REQUEST_ID_HEADER, request_id)]
                return multipart_response(answer.first, answer.rest, headers)
        except RequestError as exc:
            return respond(exc.status, {"errors": exc.graphql_errors()}, exc.headers.items())
        except OperationRejected as exc:
            status = status_for_rejected_operation(status_media_type)
            return respond(status, {"errors": exc.graphql_errors()}, ())
        except Exception:  # masked for the client, logged with the request id
            log.exception("request %s failed", request_id)
            body = {
                "errors": [
                    {
                        "message": "Internal server error",
                        "extensions": {"code": ErrorCode.INTERNAL.value, "requestId": request_id},
                    }
                ]
            }
            return respond(500, body, ())
        return respond(answer.status, answer.body, answer.headers)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "supergraphVersion": live.current.version})

    async def readiness_endpoint(request: Request) -> Response:
        subgraphs = await readiness.report()
        ok = all(state == "ok" for state in subgraphs.values())
        body = {
            "status": "ready" if ok else "unavailable",
            "supergraphVersion": live.current.version,
            "subgraphs": subgraphs,
        }
        return JSONResponse(body, 200 if ok else 503)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        previous_thresholds = _tune_garbage_collector()
        watcher = asyncio.create_task(live.watch(config.poll_interval))
        listener = (
            asyncio.create_task(
                listen_for_invalidations(entity_cache, config.entity_cache.redis_url)
            )
            if entity_cache is not None and config.entity_cache.redis_url
            else None
        )
        try:
            async with running(discoveries):
                yield
        finally:
            for task in (watcher, listener):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
            if entity_cache is not None:
                await entity_cache.aclose()
            if http_transport is not None:
                await http_transport.aclose()
            if ws_transport is not None:
                await ws_transport.aclose()
            if policy_evaluator is not None:
                await policy_evaluator.aclose()
            await persisted.aclose()
            gc.unfreeze()
            gc.set_threshold(*previous_thresholds)

    endpoint = _Responding(graphql)

    async def answer_directly(request: HttpRequest) -> Answer:
        response = await graphql(request)
        if not isinstance(response, JsonAnswer):
            raise TypeError(f"a direct request got a {type(response).__name__}, not one JSON body")
        access_log.end(response.status)
        return response

    app = RouterApp(
        endpoint,
        DirectRoute(
            b"/graphql",
            answer_directly,
            max_body_bytes=config.limits.max_body_bytes,
            body_timeout=config.server.body_timeout,
            vary_origin=config.cors is not None,
        ),
        routes=[
            Route("/graphql", endpoint, methods=GRAPHQL_METHODS),
            WebSocketRoute(
                "/graphql",
                websocket.serve if metrics is None else counting_websockets(websocket.serve),
            ),
            Route("/health", health, methods=["GET"]),
            Route("/ready", readiness_endpoint, methods=["GET"]),
            *([graphiql_assets()] if config.graphiql else []),
        ],
        lifespan=lifespan,
        middleware=[
            Middleware(
                BodyLimits,
                max_bytes=config.limits.max_body_bytes,
                body_timeout=config.server.body_timeout,
            )
        ],
    )
    if config.cors is not None:
        add_cors(app, config.cors)
    app.state.live_graph = live
    app.state.readiness = readiness
    if tracer is not None:
        from router.telemetry.tracing import TracedRequests

        app.add_middleware(TracedRequests, tracer=tracer)
    return app


GRAPHQL_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


class RouterApp(Starlette):
    """Starlette, with HTTP requests to ``/graphql`` served through the app's middleware alone.

    Starlette runs every request through its error middleware, its exception-handler
    middleware, the router's route matching and the route's method check. The
    ``/graphql`` endpoint answers every error itself (as GraphQL errors, or 405 for a
    method it does not serve), so its HTTP requests go straight to it through the
    same user middleware (body limits, CORS, tracing), built alongside Starlette's
    stack; an exception escaping it is the server's 500, as under Starlette's error
    middleware. Every other request (WebSockets, other paths and methods, the
    lifespan) takes Starlette's way.
    """

    def __init__(self, graphql: ASGIApp, direct: DirectRoute, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._graphql_endpoint = graphql
        self._graphql: ASGIApp | None = None
        self._graphql_methods = frozenset((*GRAPHQL_METHODS, "HEAD"))
        self._direct = direct

    @property
    def direct_route(self) -> DirectRoute | None:
        """``POST /graphql`` for the server's protocol to answer itself (:mod:`shared.direct_http`),
        while the app's middleware is only what that path does too: body limits and CORS."""
        if all(entry.cls in _DIRECT_MIDDLEWARE for entry in self.user_middleware):
            return self._direct
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == "/graphql"
            and scope["method"] in self._graphql_methods
        ):
            graphql = self._graphql
            if graphql is None:
                graphql = self._graphql = self._build_graphql_stack()
            scope["app"] = self
            await graphql(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def _build_graphql_stack(self) -> ASGIApp:
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()  # fixes the middleware list
        app = self._graphql_endpoint
        for cls, args, kwargs in reversed(self.user_middleware):
            app = cls(app, *args, **kwargs)
        return app


_DIRECT_MIDDLEWARE: tuple[object, ...] = (BodyLimits, CORSMiddleware)


class _Responding:
    """A route endpoint whose handler answers with any ASGI response, a stream included."""

    def __init__(
        self, handler: Callable[[HttpRequest], Awaitable[Response | JsonAnswer | EventStream]]
    ) -> None:
        self._handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        request = HttpRequest(
            scope["method"],
            scope["headers"],
            scope["query_string"],
            await Request(scope, receive, send).body(),
            client[0] if client else None,
        )
        response = await self._handler(request)
        if isinstance(response, JsonAnswer):
            access_log.end(response.status)
        else:
            access_log.end(200 if isinstance(response, EventStream) else response.status_code)
        await response(scope, receive, send)


def _decoded(raw: Iterable[tuple[bytes, bytes]]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The request's headers (names lowercase, as the HTTP protocol gives them) decoded once, and
    each name's first value, as ``request.headers.items()`` and ``request.headers.get`` read them."""
    headers: list[tuple[str, str]] = []
    first: dict[str, str] = {}
    for name, value in raw:
        pair = (name.decode("latin-1"), value.decode("latin-1"))
        headers.append(pair)
        first.setdefault(*pair)
    return headers, first


def _tune_garbage_collector() -> tuple[int, int, int]:
    """Keep the cyclic collector off the request path's hot loop.

    Every request decodes and builds thousands of small dicts and lists (subgraph
    JSON, the response tree, the answer), which trips generation-0 collections
    every 700 allocations, and older generations then re-scan everything the
    process loaded at startup (the supergraph, the API schema, graphql-core).
    Request data is acyclic JSON freed by reference counting, so collections
    find almost nothing: freeze what startup built and collect less often.
    Returns the thresholds to restore at shutdown.
    """
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(max(previous[0], _GC_GEN0_THRESHOLD), previous[1], previous[2])
    return previous


def _entity_cache(config: RouterConfig) -> EntityCache | None:
    settings = config.entity_cache
    if not settings.enabled or settings.redis_url is None:
        return None
    return EntityCache(
        CacheStore(create_redis(settings.redis_url, timeout=settings.timeout)),
        keys=KeySpace(settings.key_prefix),
        policy=TtlPolicy(max_ttl=settings.max_ttl, default_ttl=settings.default_ttl),
        excluded=config.uncached_subgraphs(),
        private=settings.private,
    )


def _names(config: RouterConfig, service: str | None) -> frozenset[str]:
    return config.propagated_headers(service) if service else frozenset(config.propagate)


def _respond(
    status: int,
    body: dict[str, Any],
    media_type: str,
    request_id: str,
    headers: Iterable[tuple[str, str]],
) -> JsonAnswer:
    content = orjson.dumps(body)
    raw = [
        (b"content-length", str(len(content)).encode()),
        (
            b"content-type",
            _CONTENT_TYPES.get(media_type) or f"{media_type}; charset=utf-8".encode(),
        ),
    ]
    raw += [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in headers
        if name.lower() != REQUEST_ID_HEADER
    ]
    raw.append((_REQUEST_ID_RAW, request_id.encode("latin-1")))
    return JsonAnswer(status, raw, content)


_CONTENT_TYPES = {
    media: f"{media}; charset=utf-8".encode() for media in (JSON, GRAPHQL_RESPONSE_JSON)
}
_REQUEST_ID_RAW = REQUEST_ID_HEADER.encode("latin-1")


class JsonAnswer(Answer):
    """One JSON body with its status and headers: written whole by the direct path, or sent as
    the two ASGI messages Starlette's ``Response`` would send."""

    __slots__ = ()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})
