"""GraphQL over WebSocket on the router's GraphQL path: both subprotocols, any operation.

One :class:`Connection` per socket. It picks the subprotocol
(``graphql-transport-ws`` when the client offers it, else ``graphql-ws``;
neither: accepted, then closed with 4406), feeds each client message to the
protocol's state machine (:mod:`router.http.ws_protocol`) and carries out
what it answers. Until ``connection_init`` arrives the socket is on a clock
(``[subscriptions] init_timeout``, then 4408). The ``connection_init``
payload is the client's headers: its string entries, and the upgrade
request's headers it does not override, are forwarded to subgraphs under
the same propagation rules as HTTP headers. With ``[authentication]``, its
token (under the configured header's name, else the upgrade request's) is
verified before the connection is acknowledged; one that does not verify
closes the socket with 4403, and every operation on the connection has the
access the token grants.

Each operation runs in a task of its own through
:meth:`~router.http.pipeline.Pipeline.stream`: every result is sent as it
comes, a result without data as the operation's error, and the end as its
completion. Stopping an operation cancels its task, which ends the
subscription at the subgraph. When the socket goes away (the client left,
or the server closes every socket as it stops) all of its operations are
cancelled and awaited, so no subgraph subscription outlives its client.
Sends from the operations and the keep-alive share one lock, so messages
never interleave.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from router.errors import ErrorCode, error
from router.http.authentication import Authenticator, Unauthenticated
from router.http.client_address import Edge
from router.http.errors import RequestError
from router.http.graphql_transport_ws import GraphQLTransportWS
from router.http.graphql_ws import GraphQLWS
from router.http.headers import forwardable
from router.http.params import GraphQLParams
from router.http.pipeline import Pipeline
from router.http.ws_protocol import (
    INIT_TIMEOUT,
    Action,
    Close,
    Initialised,
    Message,
    Reply,
    ServerProtocol,
    Start,
    Stop,
)
from router.prepare import OperationRejected
from router.supergraph.authorization import ANONYMOUS, Access
from router.transport.subprotocols import CloseCode
from router.transport.types import Headers

log = logging.getLogger("router.http")

PROTOCOLS: dict[str, type[ServerProtocol]] = {
    GraphQLTransportWS.name: GraphQLTransportWS,
    GraphQLWS.name: GraphQLWS,
}
_MAX_CLOSE_REASON_BYTES = 123  # what fits in a close frame


@dataclass(frozen=True, slots=True)
class WebSocketEndpoint:
    """The Starlette endpoint: settings shared by every connection."""

    pipeline: Pipeline
    authenticator: Authenticator | None
    forwarded_names: frozenset[str]
    init_timeout: float
    keepalive: float
    max_operations: int
    edge: Edge = field(default_factory=Edge)

    async def serve(self, websocket: WebSocket) -> None:
        await Connection(self, websocket).serve()


class Connection:
    def __init__(self, endpoint: WebSocketEndpoint, websocket: WebSocket) -> None:
        self.endpoint = endpoint
        self.websocket = websocket
        self.protocol: ServerProtocol | None = None
        self.headers: Headers = ()
        self.access: Access = ANONYMOUS
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.running: set[asyncio.Task[None]] = set()
        self.keepalive: asyncio.Task[None] | None = None
        self.sending = asyncio.Lock()

    async def serve(self) -> None:
        offered = self.websocket.scope.get("subprotocols") or []
        chosen = next((name for name in PROTOCOLS if name in offered), None)
        if chosen is None:
            await self.websocket.accept()
            await self.close(
                Close(CloseCode.SUBPROTOCOL_NOT_ACCEPTABLE, "Subprotocol not acceptable")
            )
            return
        await self.websocket.accept(subprotocol=chosen)
        self.protocol = PROTOCOLS[chosen](max_operations=self.endpoint.max_operations)
        try:
            await self.receive_messages(self.protocol)
        finally:
            await self.stop_everything()

    async def receive_messages(self, protocol: ServerProtocol) -> None:
        deadline = asyncio.get_running_loop().time() + self.endpoint.init_timeout
        while True:
            try:
                async with asyncio.timeout_at(None if protocol.initialised else deadline):
                    message = await self.websocket.receive()
            except TimeoutError:
                await self.close(INIT_TIMEOUT)
                return
            if message["type"] == "websocket.disconnect":
                return
            raw = message.get("text")
            actions = protocol.receive(raw if raw is not None else message.get("bytes"))
            if not await self.authenticate(actions):
                return
            for action in actions:
                if not await self.act(protocol, action):
                    return

    async def authenticate(self, actions: list[Action]) -> bool:
        """Verify the ``connection_init`` token before it is acknowledged; False when refused."""
        authenticator = self.endpoint.authenticator
        init = next((a for a in actions if isinstance(a, Initialised)), None)
        if authenticator is None or init is None:
            return True
        name = authenticator.header
        value = next(
            (v for k, v in init.payload.items() if k.lower() == name and isinstance(v, str)),
            self.websocket.headers.get(name),
        )
        try:
            self.access = authenticator.access(value)
        except Unauthenticated as exc:
            await self.close(Close(CloseCode.FORBIDDEN, exc.message))
            return False
        return True

    async def act(self, protocol: ServerProtocol, action: Action) -> bool:
        """Carry out one action; False when the connection is over."""
        if isinstance(action, Reply):
            await self.send(action.message)
        elif isinstance(action, Initialised):
            self.headers = self.client_headers(action.payload)
            keepalive = protocol.keepalive()
            if keepalive is not None:
                self.keepalive = asyncio.create_task(self.keep_alive(keepalive))
        elif isinstance(action, Start):
            task = asyncio.create_task(self.run(protocol, action.id, action.params))
            self.operations[action.id] = task
            self.running.add(task)
            task.add_done_callback(functools.partial(self.forget, action.id))
        elif isinstance(action, Stop):
            stopped = self.operations.pop(action.id, None)
            if stopped is not None:
                stopped.cancel()
        else:
            await self.close(action)
            return False
        return True

    async def run(self, protocol: ServerProtocol, id: str, params: GraphQLParams) -> None:
        """One operation: its results, then its completion or its errors."""
        client = self.websocket.client
        edge = self.endpoint.edge.headers(
            uuid.uuid4().hex,
            client.host if client else None,
            self.websocket.headers.get("x-forwarded-for"),
        )
        forwarded = (*self.headers, *edge)
        try:
            pipeline = self.endpoint.pipeline
            ready = await pipeline.prepare(params, method="WEBSOCKET", access=self.access)
            results = pipeline.stream(ready, forwarded=forwarded)
            async with contextlib.aclosing(results):
                async for result in results:
                    if not result.data_present:
                        await self.send(protocol.error(id, list(result.errors)))
                        return
                    message = protocol.result(id, result.formatted())
                    if message is None:
                        return  # the client stopped it
                    await self.send(message)
            await self.send(protocol.complete(id))
        except (RequestError, OperationRejected) as exc:
            await self.send(protocol.error(id, exc.graphql_errors()))
        except Exception:  # masked for the client, logged
            log.exception("WebSocket operation %s failed", id)
            internal = error("Internal server error", ErrorCode.INTERNAL)
            await self.send(protocol.error(id, [internal]))

    def forget(self, id: str, task: asyncio.Task[None]) -> None:
        self.running.discard(task)
        # The id may already run a newer operation (reused after this one ended).
        if self.operations.get(id) is task:
            del self.operations[id]

    def client_headers(self, payload: Mapping[str, Any]) -> Headers:
        names = self.endpoint.forwarded_names
        from_payload = {
            name.lower(): value
            for name, value in payload.items()
            if isinstance(value, str) and name.lower() in names
        }
        from_upgrade = forwardable(self.websocket.headers.items(), names)
        return (
            *((k, v) for k, v in from_upgrade if k.lower() not in from_payload),
            *from_payload.items(),
        )

    async def keep_alive(self, message: Message) -> None:
        while True:
            await self.send(message)
            await asyncio.sleep(self.endpoint.keepalive)

    async def send(self, message: Message | None) -> None:
        if message is None:
            return
        async with self.sending:
            with contextlib.suppress(WebSocketDisconnect, WebSocketDisconnected):
                await self.websocket.send_text(orjson.dumps(message).decode())

    async def close(self, close: Close) -> None:
        reason = close.reason.encode()[:_MAX_CLOSE_REASON_BYTES].decode(errors="ignore")
        async with self.sending:
            with contextlib.suppress(WebSocketDisconnect, WebSocketDisconnected):
                await self.websocket.close(close.code, reason)

    async def stop_everything(self) -> None:
        """Cancel every operation (stopped ones may still be closing) and wait for them."""
        tasks = list(self.running)
        if self.keepalive is not None:
            tasks.append(self.keepalive)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
