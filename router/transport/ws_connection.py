"""One WebSocket to a subgraph carrying any number of subscriptions (``SubgraphSocket``).

Both subprotocols number operations, so one connection can carry many: each
subscription gets the next id, its events are routed by id into a queue of
its own, and a reader task owned by the socket reads every message, answers
``ping`` and routes the rest. An operation ends on its ``complete`` or
``error``; the socket ends (and every operation on it with the same error)
when the subgraph closes it or it fails. Queues are bounded: when a
subscription has ``max_buffered`` events waiting, the reader waits for its
consumer (a burst, such as a replay, passes at the consumer's pace), but no
longer than ``stall`` seconds; then the subscription is stopped at the
subgraph and ends with a :class:`TransportError`. So a stuck consumer holds
up the others on its socket (the same client's) for at most ``stall``
seconds and never grows memory without bound.

The socket is opened once, by whichever subscription needs it first; later
ones wait for the same opening. The pool in :mod:`router.transport.websocket`
decides which subscriptions may share a socket.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import aiohttp
import orjson

from router.errors import ErrorCode
from router.transport.decode import graphql_response, is_graphql_response
from router.transport.errors import SubgraphSubscriptionError, TransportError
from router.transport.subprotocols import GRAPHQL_TRANSPORT_WS, GRAPHQL_WS, CloseCode
from router.transport.types import Headers, SubgraphResponse

_CLOSE_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class SubscriptionEndpoint:
    url: str
    protocol: str = GRAPHQL_TRANSPORT_WS


@dataclass(frozen=True, slots=True)
class _Dialect:
    """The message types that differ between the two subprotocols."""

    subscribe: str
    event: str
    stop: str
    terminate: tuple[dict[str, Any], ...]


_DIALECTS = {
    GRAPHQL_TRANSPORT_WS: _Dialect(
        subscribe="subscribe", event="next", stop="complete", terminate=()
    ),
    GRAPHQL_WS: _Dialect(
        subscribe="start", event="data", stop="stop", terminate=({"type": "connection_terminate"},)
    ),
}


class _Complete:
    """Queued after an operation's last event when the subgraph completed it."""


COMPLETE: Final = _Complete()
Item = SubgraphResponse | _Complete | TransportError


class Operation:
    """One subscription on a socket: its id and the events waiting for its consumer."""

    def __init__(self, service_name: str, id: str, max_buffered: int) -> None:
        self.service_name = service_name
        self.id = id
        self.started = False
        self.ended = False
        self._items: asyncio.Queue[Item] = asyncio.Queue()
        self._max_buffered = max_buffered
        self._room = asyncio.Event()

    async def next(self) -> Item:
        item = await self._items.get()
        self._room.set()
        return item

    async def deliver(self, event: SubgraphResponse, stall: float) -> bool:
        """Queue an event, waiting up to ``stall`` seconds for room; False when it stopped waiting."""
        if self.ended:
            return True
        if self._items.qsize() >= self._max_buffered:
            self._room.clear()
            try:
                async with asyncio.timeout(stall):
                    await self._room.wait()
            except TimeoutError:
                self.end(
                    TransportError(
                        self.service_name,
                        f"the subscription fell {self._max_buffered} events behind its subgraph "
                        "and was stopped",
                    )
                )
                return False
        self._items.put_nowait(event)
        return True

    def end(self, item: _Complete | TransportError) -> None:
        if not self.ended:
            self.ended = True
            self._items.put_nowait(item)


class SubgraphSocket:
    def __init__(
        self,
        service_name: str,
        endpoint: SubscriptionEndpoint,
        headers: Headers,
        *,
        session: Callable[[], aiohttp.ClientSession],
        heartbeat: float,
        max_buffered: int,
        stall: float,
        open_within: float,
    ) -> None:
        self.service_name = service_name
        self.endpoint = endpoint
        self.operations: dict[str, Operation] = {}
        self.closing = False
        self._dialect = _DIALECTS[endpoint.protocol]
        self._headers = headers
        self._session = session
        self._heartbeat = heartbeat
        self._max_buffered = max_buffered
        self._stall = stall
        self._open_within = open_within
        self._next_id = 0
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._opening: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None

    def add(self) -> Operation:
        self._next_id += 1
        operation = Operation(self.service_name, str(self._next_id), self._max_buffered)
        self.operations[operation.id] = operation
        return operation

    async def start(self, operation: Operation, payload: dict[str, Any]) -> None:
        """Open the socket if nobody has yet, then subscribe ``operation`` on it."""
        if self._opening is None:
            self._opening = asyncio.create_task(self._open())
        try:
            await asyncio.shield(self._opening)
        except TimeoutError:
            self.closing = True
            raise self._error(
                f"no acknowledged WebSocket at {self.endpoint.url} within {self._open_within:g}s"
            ) from None
        except TransportError:
            self.closing = True
            raise
        if operation.ended:
            return  # the socket failed while this one waited for it
        message = {"id": operation.id, "type": self._dialect.subscribe, "payload": payload}
        await self._send(message)
        operation.started = True

    async def release(self, operation: Operation) -> bool:
        """The consumer is done with ``operation``; True when the socket has no operations left."""
        self.operations.pop(operation.id, None)
        if operation.started and not operation.ended and not self.closing:
            operation.ended = True
            with contextlib.suppress(TransportError):
                await self._send({"id": operation.id, "type": self._dialect.stop})
        return not self.operations

    async def close(self) -> None:
        self.closing = True
        for task in (self._opening, self._reader):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, TransportError, TimeoutError):
                    await task
        ws = self._ws
        if ws is not None:
            if not ws.closed:
                with contextlib.suppress(TransportError):
                    for message in self._dialect.terminate:
                        await self._send(message)
            await ws.close()

    async def _open(self) -> None:
        async with asyncio.timeout(self._open_within):
            self._ws = await self._connect()
            await self._initialise()
        self._reader = asyncio.create_task(self._read())

    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        url, protocol = self.endpoint.url, self.endpoint.protocol
        try:
            ws = await self._session().ws_connect(
                url,
                protocols=(protocol,),
                headers=list(self._headers),
                heartbeat=self._heartbeat,
                timeout=aiohttp.ClientWSTimeout(ws_close=_CLOSE_SECONDS),
            )
        except aiohttp.ClientError as exc:
            raise self._error(f"cannot open a WebSocket to {url}: {exc}") from None
        if ws.protocol != protocol:
            await ws.close()
            raise self._error(f"{url} does not speak the {protocol} subprotocol")
        return ws

    async def _initialise(self) -> None:
        payload = {name.lower(): value for name, value in self._headers}
        await self._send({"type": "connection_init", "payload": payload})
        while True:
            message = await self._receive()
            kind = message.get("type")
            if kind == "connection_ack":
                return
            if kind == "ping":
                await self._send({"type": "pong"})
            elif kind == "connection_error":
                raise SubgraphSubscriptionError(
                    self.service_name,
                    ({"message": f"refused the connection: {message.get('payload')}"},),
                )
            elif kind != "ka":
                raise self._error(f"sent {kind!r} before connection_ack")

    async def _read(self) -> None:
        try:
            while True:
                message = await self._receive()
                kind = message.get("type")
                if kind == "ping":
                    await self._send({"type": "pong"})
                    continue
                operation = self.operations.get(str(message.get("id")))
                if operation is not None:
                    await self._route(operation, kind, message.get("payload"))
        except TransportError as exc:
            self.closing = True
            for operation in self.operations.values():
                operation.end(exc)

    async def _route(self, operation: Operation, kind: Any, payload: Any) -> None:
        if kind == self._dialect.event:
            if not is_graphql_response(payload):
                operation.end(self._error("sent an event that is not a result"))
            elif await operation.deliver(graphql_response(payload), self._stall):
                return
            await self._send({"id": operation.id, "type": self._dialect.stop})
        elif kind == "error":
            operation.end(SubgraphSubscriptionError(self.service_name, _errors(payload)))
        elif kind == "complete":
            operation.end(COMPLETE)

    async def _receive(self) -> dict[str, Any]:
        assert self._ws is not None
        ws = self._ws
        message = await ws.receive()
        if message.type is aiohttp.WSMsgType.TEXT or message.type is aiohttp.WSMsgType.BINARY:
            try:
                decoded = orjson.loads(message.data)
            except orjson.JSONDecodeError:
                decoded = None
            if not isinstance(decoded, dict):
                raise self._error("sent a message that is not a JSON object")
            return decoded
        if message.type is aiohttp.WSMsgType.ERROR:
            raise self._error(f"subscription connection failed: {message.data}")
        code = ws.close_code or CloseCode.NORMAL
        reason = message.extra if isinstance(message.extra, str) and message.extra else ""
        if code == CloseCode.FORBIDDEN:
            raise SubgraphSubscriptionError(
                self.service_name,
                (
                    {
                        "message": f"The subgraph refused the subscription: {reason or 'Forbidden'}",
                        "extensions": {"code": ErrorCode.FORBIDDEN.value},
                    },
                ),
            )
        raise self._error(
            f"subscription connection closed ({code}{': ' + reason if reason else ''})"
        )

    async def _send(self, message: dict[str, Any]) -> None:
        assert self._ws is not None
        try:
            await self._ws.send_str(orjson.dumps(message).decode())
        except (ConnectionError, aiohttp.ClientError) as exc:
            raise self._error(f"subscription connection failed: {exc}") from None

    def _error(self, reason: str) -> TransportError:
        return TransportError(self.service_name, reason)


def _errors(payload: Any) -> tuple[dict[str, Any], ...]:
    """An ``error`` payload: a list of GraphQL errors, or one error object in the legacy protocol."""
    items = payload if isinstance(payload, list) else [payload]
    errors = tuple(
        item if isinstance(item, dict) else {"message": str(item)}
        for item in items
        if item is not None
    )
    return errors or ({"message": "the subgraph ended the subscription with an error"},)
