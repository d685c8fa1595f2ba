"""The ASGI app of one subgraph: Strawberry over Starlette routes, plus /health and /ready.

``/health`` answers 200 while the process serves (liveness); ``/ready``
runs the service's readiness checks (its database, Redis, gRPC peers) and
answers 503 naming what is unavailable. Redis alone being down is a degraded
mode, not unavailability: ``/ready`` stays 200, names the degraded mode (and
logs each change).

Strawberry's own ``GraphQL`` app is mounted on explicit routes (``app.mount``
would answer POST /graphql with a redirect) and gets parser and validation
caches, which Strawberry does not enable by default, and the error masking.
Subgraphs serve no GraphiQL (Strawberry's loads from a CDN): the graph's is
the router's, served from the project's own files.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import orjson
import strawberry
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

from shared.body_limits import BodyLimits
from shared.graphql.errors import MaskInternalErrors
from shared.logs import quiet_graphql_errors
from shared.resilience.asgi import GuardMiddleware
from shared.resilience.shedder import Shedder
from shared.telemetry.graphql import OperationMetrics
from shared.telemetry.tracing import OperationTracing

log = logging.getLogger(__name__)

# What a service still does without a backing service it can serve without
# (see the README's degraded modes); any other one down makes it unavailable.
DEGRADED_MODES = {
    "redis": (
        "redis unavailable: cached reads go to the database, one load per key at a time; "
        "rate limits are counted in each process"
    ),
    "commerce": "commerce unavailable: member-only article content answers UNAVAILABLE",
}

ContextFactory = Callable[[Request | WebSocket, Response | None], Awaitable[Any]]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class _ServiceGraphQL(GraphQL[Any, None]):
    def __init__(self, schema: strawberry.Schema, context_factory: ContextFactory) -> None:
        super().__init__(schema, graphql_ide=None)
        self._context_factory = context_factory

    async def get_context(self, request: Request | WebSocket, response: Any) -> Any:
        return await self._context_factory(request, response)

    def encode_json(self, data: object) -> str:
        """orjson (about 4x the standard library's speed): every answer, and every
        subscription event to every subscriber, is encoded here."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # an integer past 64 bits, say: the standard library takes it
            return super().encode_json(data)  # type: ignore[return-value]


def schema_extensions() -> Sequence[Callable[[], Any]]:
    """The extensions every subgraph schema is built with."""
    return (
        MaskInternalErrors,
        OperationTracing,
        OperationMetrics,
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
    )


def create_service_app(
    *,
    title: str,
    schema: strawberry.Schema,
    context_factory: ContextFactory,
    lifespan: Lifespan | None = None,
    ready: Callable[[], Awaitable[dict[str, str]]] | None = None,
    shedder: Shedder | None = None,
    routes: Sequence[BaseRoute] = (),
) -> FastAPI:
    """The service's app; with ``shedder``, requests past capacity get OVERLOADED at once."""
    quiet_graphql_errors()
    graphql_app = _ServiceGraphQL(schema, context_factory)

    async def health_endpoint(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    degraded_before: list[str] = []

    async def ready_endpoint(_: Request) -> Response:
        report = await ready() if ready else {}
        down = [name for name, state in report.items() if state != "ok"]
        degraded = [DEGRADED_MODES[name] for name in down if name in DEGRADED_MODES]
        if degraded != degraded_before:
            log.warning("%s: %s", title, "; ".join(degraded) or "back to normal operation")
            degraded_before[:] = degraded
        serving = all(name in DEGRADED_MODES for name in down)
        status = "unavailable" if not serving else "degraded" if degraded else "ready"
        body: dict[str, Any] = {"status": status, **report}
        if degraded:
            body["degraded"] = degraded
        return JSONResponse(body, 200 if serving else 503)

    @asynccontextmanager
    async def no_lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    app = FastAPI(title=title, lifespan=lifespan or no_lifespan, openapi_url=None, docs_url=None)
    app.add_middleware(
        BodyLimits
    )  # the router's limits, for clients that reach the service directly
    app.router.routes.extend(
        [
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),
            Route("/health", health_endpoint, methods=["GET"]),
            Route("/ready", ready_endpoint, methods=["GET"]),
            *routes,
        ]
    )
    if shedder is not None:
        app.add_middleware(GuardMiddleware, shedder=shedder)
    return app
