"""Subscriptions at subgraphs over WebSocket, several to a connection.

For each subscription the router needs a WebSocket to the owning subgraph in
the subgraph's configured subprotocol (``graphql-transport-ws`` unless told
``graphql-ws``). The forwarded headers go both on the upgrade request and in
the ``connection_init`` payload, where GraphQL WebSocket servers read them,
so they belong to the connection, not to one operation: subscriptions share
a connection (:class:`~router.transport.ws_connection.SubgraphSocket`) only
when they would send the subgraph the same headers, apart from the ones that
name one request (``x-request-id``, ``traceparent``, ``tracestate``; the
connection carries those of the subscription that opened it). Same
credentials, same client address: one client's subscriptions share, and
nothing of one client's identity ever reaches a subgraph on another's
connection. ``operations_per_socket`` caps a connection (another opens
beyond it); ``multiplex=False`` gives every subscription its own. A
connection closes with its last subscription.

Closing a subscription's generator sends ``complete`` (``stop`` in the legacy
protocol) for its id; a subgraph's ``complete`` or ``error`` for that id ends
it; a lost connection ends every subscription on it.

aiohttp rather than the ``websockets`` package: it is already the router's
subgraph client (:mod:`router.transport.http`), so opening, timing out and
failing look the same for both transports. The WebSockets get a session of
their own with no connection limit, so long-lived subscriptions never take
slots from the HTTP pool. aiohttp's heartbeat pings the subgraph, so a
connection that dies silently ends its subscriptions instead of hanging them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from router.transport.errors import TransportError, UnknownSubgraphError
from router.transport.types import Headers, SubgraphRequest, SubgraphResponse
from router.transport.ws_connection import SubgraphSocket, SubscriptionEndpoint

__all__ = ["SubscriptionEndpoint", "WebSocketSubscriptions", "websocket_url"]

# Headers that describe one request rather than who asks: they never keep two
# subscriptions from sharing a connection.
REQUEST_SCOPED_HEADERS = frozenset({"x-request-id", "traceparent", "tracestate"})

_Key = tuple[str, SubscriptionEndpoint, Headers]


def websocket_url(http_url: str) -> str:
    """``http://host/graphql`` → ``ws://host/graphql`` (``https`` → ``wss``)."""
    parts = urlsplit(http_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return urlunsplit(parts._replace(scheme=scheme))


def _identity(headers: Headers) -> Headers:
    return tuple(
        sorted((k.lower(), v) for k, v in headers if k.lower() not in REQUEST_SCOPED_HEADERS)
    )


class WebSocketSubscriptions:
    """A :class:`~router.transport.types.SubscriptionTransport` over WebSocket.

    ``timeouts`` (per subgraph, else ``default_timeout``) bound opening the
    connection and waiting for ``connection_ack``; an open subscription may
    stay quiet for as long as it likes, while ``heartbeat`` pings check that
    the connection is alive. A consumer with ``max_buffered`` events waiting
    holds its socket's reader for up to ``stall`` seconds, then its
    subscription is stopped.
    """

    def __init__(
        self,
        endpoints: Mapping[str, SubscriptionEndpoint],
        *,
        timeouts: Mapping[str, float] | None = None,
        default_timeout: float = 30.0,
        heartbeat: float = 15.0,
        multiplex: bool = True,
        operations_per_socket: int = 100,
        max_buffered: int = 1024,
        stall: float = 5.0,
    ) -> None:
        self._endpoints = dict(endpoints)
        self._timeouts = dict(timeouts or {})
        self._default_timeout = default_timeout
        self._heartbeat = heartbeat
        self._per_socket = operations_per_socket if multiplex else 1
        self._max_buffered = max_buffered
        self._stall = stall
        self._sockets: dict[_Key, list[SubgraphSocket]] = {}
        self._session: aiohttp.ClientSession | None = None

    @property
    def open_sockets(self) -> int:
        """Connections to subgraphs now open or opening."""
        return sum(len(sockets) for sockets in self._sockets.values())

    def set_endpoints(self, endpoints: Mapping[str, SubscriptionEndpoint]) -> None:
        """Point at new endpoints (a reloaded supergraph); open subscriptions keep theirs."""
        self._endpoints = dict(endpoints)

    async def subscribe(
        self, service_name: str, request: SubgraphRequest
    ) -> AsyncGenerator[SubgraphResponse, None]:
        endpoint = self._endpoints.get(service_name)
        if endpoint is None:
            raise UnknownSubgraphError(service_name)
        key = (service_name, endpoint, _identity(request.headers))
        socket = self._socket_for(key, request.headers)
        operation = socket.add()
        try:
            await socket.start(operation, request.body())
            while True:
                item = await operation.next()
                if isinstance(item, TransportError):
                    raise item
                if not isinstance(item, SubgraphResponse):
                    return  # completed by the subgraph
                yield item
        finally:
            if await socket.release(operation):
                await self._retire(key, socket)

    def _socket_for(self, key: _Key, headers: Headers) -> SubgraphSocket:
        sockets = self._sockets.setdefault(key, [])
        for socket in sockets:
            if not socket.closing and len(socket.operations) < self._per_socket:
                return socket
        socket = SubgraphSocket(
            key[0],
            key[1],
            headers,
            session=self._client,
            heartbeat=self._heartbeat,
            max_buffered=self._max_buffered,
            stall=self._stall,
            open_within=self._timeouts.get(key[0], self._default_timeout),
        )
        sockets.append(socket)
        return socket

    async def _retire(self, key: _Key, socket: SubgraphSocket) -> None:
        sockets = self._sockets.get(key, [])
        if socket in sockets:
            sockets.remove(socket)
            if not sockets:
                del self._sockets[key]
        await socket.close()

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            await asyncio.sleep(0)
            self._session = None
