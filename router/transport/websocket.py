"""Subscriptions at subgraphs over WebSocket: one connection per client subscription.

For each subscription the router opens a WebSocket to the owning subgraph in
the subgraph's configured subprotocol (``graphql-transport-ws`` unless told
``graphql-ws``), sends the forwarded headers both on the upgrade request and
as the ``connection_init`` payload (where GraphQL WebSocket servers read
them), waits for ``connection_ack``, subscribes, and yields every event.
Closing the generator sends ``complete`` (``stop`` in the legacy protocol)
and closes the socket. A connection per subscription keeps one client's
headers off another's, and lets a subgraph's close end exactly one
subscription.

aiohttp rather than the ``websockets`` package: it is already the router's
subgraph client (:mod:`router.transport.http`), so opening, timing out and
failing look the same for both transports. The WebSockets get a session of
their own with no connection limit, so long-lived subscriptions never take
slots from the HTTP pool. aiohttp's heartbeat pings the subgraph, so a
connection that dies silently ends the subscription instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import orjson

from router.errors import ErrorCode
from router.transport.decode import graphql_response, is_graphql_response
from router.transport.errors import SubgraphSubscriptionError, TransportError, UnknownSubgraphError
from router.transport.subprotocols import GRAPHQL_TRANSPORT_WS, GRAPHQL_WS, CloseCode
from router.transport.types import Headers, SubgraphRequest, SubgraphResponse

_OPERATION_ID = "1"
_CLOSE_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class SubscriptionEndpoint:
    url: str
    protocol: str = GRAPHQL_TRANSPORT_WS


def websocket_url(http_url: str) -> str:
    """``http://host/graphql`` → ``ws://host/graphql`` (``https`` → ``wss``)."""
    parts = urlsplit(http_url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    return urlunsplit(parts._replace(scheme=scheme))


@dataclass(frozen=True, slots=True)
class _Dialect:
    """The message types that differ between the two subprotocols."""

    subscribe: str
    event: str
    stop: tuple[dict[str, Any], ...]


_DIALECTS = {
    GRAPHQL_TRANSPORT_WS: _Dialect(
        subscribe="subscribe",
        event="next",
        stop=({"id": _OPERATION_ID, "type": "complete"},),
    ),
    GRAPHQL_WS: _Dialect(
        subscribe="start",
        event="data",
        stop=({"id": _OPERATION_ID, "type": "stop"}, {"type": "connection_terminate"}),
    ),
}


class WebSocketSubscriptions:
    """A :class:`~router.transport.types.SubscriptionTransport` over WebSocket.

    ``timeouts`` (per subgraph, else ``default_timeout``) bound opening the
    connection and waiting for ``connection_ack``; an open subscription may
    stay quiet for as long as it likes, while ``heartbeat`` pings check that
    the connection is alive.
    """

    def __init__(
        self,
        endpoints: Mapping[str, SubscriptionEndpoint],
        *,
        timeouts: Mapping[str, float] | None = None,
        default_timeout: float = 30.0,
        heartbeat: float = 15.0,
    ) -> None:
        self._endpoints = dict(endpoints)
        self._timeouts = dict(timeouts or {})
        self._default_timeout = default_timeout
        self._heartbeat = heartbeat
        self._session: aiohttp.ClientSession | None = None

    def set_endpoints(self, endpoints: Mapping[str, SubscriptionEndpoint]) -> None:
        """Point at new endpoints (a reloaded supergraph); open subscriptions keep theirs."""
        self._endpoints = dict(endpoints)

    async def subscribe(
        self, service_name: str, request: SubgraphRequest
    ) -> AsyncGenerator[SubgraphResponse, None]:
        endpoint = self._endpoints.get(service_name)
        if endpoint is None:
            raise UnknownSubgraphError(service_name)
        dialect = _DIALECTS[endpoint.protocol]
        timeout = self._timeouts.get(service_name, self._default_timeout)
        ws: aiohttp.ClientWebSocketResponse | None = None
        farewell: tuple[dict[str, Any], ...] = ()
        try:
            try:
                async with asyncio.timeout(timeout):
                    ws = await self._connect(service_name, endpoint, request.headers)
                    await _initialise(service_name, ws, request.headers)
            except TimeoutError:
                raise TransportError(
                    service_name, f"no acknowledged WebSocket at {endpoint.url} within {timeout:g}s"
                ) from None
            await _send(
                service_name,
                ws,
                {"id": _OPERATION_ID, "type": dialect.subscribe, "payload": request.body()},
            )
            farewell = dialect.stop
            while True:
                message = await _receive(service_name, ws)
                kind = message.get("type")
                if kind == "ping":
                    await _send(service_name, ws, {"type": "pong"})
                    continue
                if message.get("id") != _OPERATION_ID:
                    continue  # pong, ka, or nothing this connection asked for
                if kind == dialect.event:
                    payload = message.get("payload")
                    if not is_graphql_response(payload):
                        raise TransportError(service_name, "sent an event that is not a result")
                    yield graphql_response(payload)
                elif kind == "error":
                    farewell = ()
                    raise SubgraphSubscriptionError(service_name, _errors(message.get("payload")))
                elif kind == "complete":
                    farewell = ()
                    return
        finally:
            if ws is not None:
                await _close(service_name, ws, farewell)

    async def _connect(
        self, service_name: str, endpoint: SubscriptionEndpoint, headers: Headers
    ) -> aiohttp.ClientWebSocketResponse:
        try:
            ws = await self._client().ws_connect(
                endpoint.url,
                protocols=(endpoint.protocol,),
                headers=list(headers),
                heartbeat=self._heartbeat,
                timeout=aiohttp.ClientWSTimeout(ws_close=_CLOSE_SECONDS),
            )
        except aiohttp.ClientError as exc:
            raise TransportError(
                service_name, f"cannot open a WebSocket to {endpoint.url}: {exc}"
            ) from None
        if ws.protocol != endpoint.protocol:
            await ws.close()
            raise TransportError(
                service_name, f"{endpoint.url} does not speak the {endpoint.protocol} subprotocol"
            )
        return ws

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            await asyncio.sleep(0)
            self._session = None


async def _initialise(
    service_name: str, ws: aiohttp.ClientWebSocketResponse, headers: Headers
) -> None:
    await _send(
        service_name, ws, {"type": "connection_init", "payload": {k.lower(): v for k, v in headers}}
    )
    while True:
        message = await _receive(service_name, ws)
        kind = message.get("type")
        if kind == "connection_ack":
            return
        if kind == "ping":
            await _send(service_name, ws, {"type": "pong"})
        elif kind == "connection_error":
            raise SubgraphSubscriptionError(
                service_name,
                ({"message": f"refused the connection: {message.get('payload')}"},),
            )
        elif kind != "ka":
            raise TransportError(service_name, f"sent {kind!r} before connection_ack")


async def _receive(service_name: str, ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    message = await ws.receive()
    if message.type is aiohttp.WSMsgType.TEXT or message.type is aiohttp.WSMsgType.BINARY:
        try:
            decoded = orjson.loads(message.data)
        except orjson.JSONDecodeError:
            decoded = None
        if not isinstance(decoded, dict):
            raise TransportError(service_name, "sent a message that is not a JSON object")
        return decoded
    if message.type is aiohttp.WSMsgType.ERROR:
        raise TransportError(service_name, f"subscription connection failed: {message.data}")
    code = ws.close_code or CloseCode.NORMAL
    reason = message.extra if isinstance(message.extra, str) and message.extra else ""
    if code == CloseCode.FORBIDDEN:
        raise SubgraphSubscriptionError(
            service_name,
            (
                {
                    "message": f"The subgraph refused the subscription: {reason or 'Forbidden'}",
                    "extensions": {"code": ErrorCode.FORBIDDEN.value},
                },
            ),
        )
    raise TransportError(
        service_name, f"subscription connection closed ({code}{': ' + reason if reason else ''})"
    )


async def _send(
    service_name: str, ws: aiohttp.ClientWebSocketResponse, message: dict[str, Any]
) -> None:
    try:
        await ws.send_str(orjson.dumps(message).decode())
    except (ConnectionError, aiohttp.ClientError) as exc:
        raise TransportError(service_name, f"subscription connection failed: {exc}") from None


async def _close(
    service_name: str, ws: aiohttp.ClientWebSocketResponse, farewell: tuple[dict[str, Any], ...]
) -> None:
    """Say goodbye when the subgraph has not ended the subscription itself, then close."""
    if not ws.closed:
        with contextlib.suppress(TransportError):
            for message in farewell:
                await _send(service_name, ws, message)
    await ws.close()


def _errors(payload: Any) -> tuple[dict[str, Any], ...]:
    """An ``error`` payload: a list of GraphQL errors, or one error object in the legacy protocol."""
    items = payload if isinstance(payload, list) else [payload]
    errors = tuple(
        item if isinstance(item, dict) else {"message": str(item)}
        for item in items
        if item is not None
    )
    return errors or ({"message": "the subgraph ended the subscription with an error"},)
