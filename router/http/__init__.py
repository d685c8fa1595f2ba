"""The router's edge: GraphQL over HTTP, WebSocket and SSE, health, GraphiQL, supergraph hot reload.

``create_router_app(config)`` is the composition root; the request path is
:mod:`~router.http.pipeline`: :mod:`~router.http.params` → :mod:`router.prepare`
(cached per served graph by :mod:`~router.http.live_graph`) →
:mod:`router.execution` → :mod:`~router.http.headers`, with statuses from
:mod:`~router.http.negotiation` and the error tree in :mod:`~router.http.errors`.
Streams of results leave through :mod:`~router.http.websocket` (the protocols'
state machines in :mod:`~router.http.ws_protocol`,
:mod:`~router.http.graphql_transport_ws`, :mod:`~router.http.graphql_ws`) or
:mod:`~router.http.sse`.
"""

from __future__ import annotations

from router.http.app import create_router_app
from router.http.front import FrontHalf, LoadedGraph

__all__ = ["FrontHalf", "LoadedGraph", "create_router_app"]
