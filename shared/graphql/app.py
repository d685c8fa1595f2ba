"""The ASGI app of one subgraph: Strawberry over Starlette routes, plus /health.

Strawberry's own ``GraphQL`` app is mounted on explicit routes (``app.mount``
would answer POST /graphql with a redirect) and gets parser and validation
caches, which Strawberry does not enable by default, and the error masking.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import strawberry
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

from shared.graphql.errors import MaskInternalErrors
from shared.resilience.asgi import GuardMiddleware
from shared.resilience.shedder import Shedder

ContextFactory = Callable[[Request | WebSocket, Response | None], Awaitable[Any]]
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class _ServiceGraphQL(GraphQL[Any, None]):
    def __init__(self, schema: strawberry.Schema, context_factory: ContextFactory) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self._context_factory = context_factory

    async def get_context(self, request: Request | WebSocket, response: Any) -> Any:
        return await self._context_factory(request, response)


def schema_extensions() -> Sequence[Callable[[], Any]]:
    """The extensions every subgraph schema is built with."""
    return (
        MaskInternalErrors,
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
    )


def create_service_app(
    *,
    title: str,
    schema: strawberry.Schema,
    context_factory: ContextFactory,
    lifespan: Lifespan | None = None,
    health: Callable[[], Awaitable[dict[str, str]]] | None = None,
    shedder: Shedder | None = None,
) -> FastAPI:
    """The service's app; with ``shedder``, requests past capacity get OVERLOADED at once."""
    graphql_app = _ServiceGraphQL(schema, context_factory)

    async def health_endpoint(_: Request) -> Response:
        report = await health() if health else {}
        ok = all(state == "ok" for state in report.values())
        return JSONResponse({"status": "ok" if ok else "degraded", **report}, 200 if ok else 503)

    @asynccontextmanager
    async def no_lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    app = FastAPI(title=title, lifespan=lifespan or no_lifespan, openapi_url=None, docs_url=None)
    app.router.routes.extend(
        [
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),
            Route("/health", health_endpoint, methods=["GET"]),
        ]
    )
    if shedder is not None:
        app.add_middleware(GuardMiddleware, shedder=shedder)
    return app
