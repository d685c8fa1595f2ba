"""The ``graphql-transport-ws`` protocol (the ``graphql-ws`` library's), server side.

Client messages: ``connection_init`` (once), ``ping``/``pong`` (any time),
``subscribe`` (after the ack; any operation, not only subscriptions),
``complete`` (stop one). Server messages: ``connection_ack``, ``pong``,
``next``, ``error`` (a list of GraphQL errors; ends the operation),
``complete``. Every protocol violation closes the socket with the code the
protocol gives it: 4400 for a malformed or unknown message, 4401 for
``subscribe`` before ``connection_init``, 4409 for a ``subscribe`` reusing a
running id, 4429 for a second ``connection_init``; the endpoint closes with
4406 for a missing subprotocol and 4408 when ``connection_init`` is late.
"""

from __future__ import annotations

from router.http.ws_protocol import (
    Action,
    Close,
    Initialised,
    InvalidMessage,
    Reply,
    ServerProtocol,
    Stop,
    decode,
    operation_id,
    operation_params,
)
from router.transport.subprotocols import GRAPHQL_TRANSPORT_WS, CloseCode


class GraphQLTransportWS(ServerProtocol):
    name = GRAPHQL_TRANSPORT_WS
    result_type = "next"

    def receive(self, raw: str | bytes | None) -> list[Action]:
        try:
            return self._receive(raw)
        except InvalidMessage as exc:
            return [Close(CloseCode.BAD_REQUEST, str(exc))]

    def _receive(self, raw: str | bytes | None) -> list[Action]:
        message = decode(raw)
        kind = message["type"]
        if kind == "connection_init":
            if self.initialised:
                return [
                    Close(
                        CloseCode.TOO_MANY_INITIALISATION_REQUESTS,
                        "Too many initialisation requests",
                    )
                ]
            payload = message.get("payload")
            if payload is not None and not isinstance(payload, dict):
                raise InvalidMessage(
                    "Invalid message: the connection_init payload must be an object"
                )
            self.initialised = True
            return [Reply({"type": "connection_ack"}), Initialised(payload or {})]
        if kind == "ping":
            return [Reply({"type": "pong"})]
        if kind == "pong":
            return []
        if kind == "subscribe":
            id = operation_id(message)
            if not self.initialised:
                return [Close(CloseCode.UNAUTHORIZED, "Unauthorized")]
            if id in self.active:
                return [
                    Close(
                        CloseCode.SUBSCRIBER_ALREADY_EXISTS, f"Subscriber for {id} already exists"
                    )
                ]
            return self.admit(id, operation_params(id, message.get("payload")))
        if kind == "complete":
            id = operation_id(message)
            if id not in self.active:
                return []  # already over: nothing to stop
            self.active.discard(id)
            return [Stop(id)]
        raise InvalidMessage(f"Invalid message: unknown type {kind!r}")
