"""The legacy ``graphql-ws`` protocol (Apollo's ``subscriptions-transport-ws``), server side.

Client messages: ``connection_init``, ``start`` (any operation), ``stop``,
``connection_terminate``. Server messages: ``connection_ack`` then ``ka``
(keep-alive, repeated), ``data``, ``error`` (one GraphQL error object; ends
the operation), ``complete``, ``connection_error``. The protocol defines no
close codes: a bad message is answered with one ``error`` message saying
what is wrong and the connection stays open; only ``start`` before
``connection_init`` (4401) and a bad ``connection_init`` (4400, after a
``connection_error``) close it. A ``start`` reusing a running id replaces
that operation, as the original server did.
"""

from __future__ import annotations

from typing import Any

from router.http.ws_protocol import (
    Action,
    Close,
    Initialised,
    InvalidMessage,
    Message,
    Reply,
    ServerProtocol,
    Stop,
    decode,
    operation_id,
    operation_params,
)
from router.transport.subprotocols import GRAPHQL_WS, CloseCode


class GraphQLWS(ServerProtocol):
    name = GRAPHQL_WS
    result_type = "data"

    def keepalive(self) -> Message | None:
        return {"type": "ka"}

    def error_message(self, id: str, errors: list[Message]) -> Message:
        return {"id": id, "type": "error", "payload": errors[0] if errors else {}}

    def receive(self, raw: str | bytes | None) -> list[Action]:
        id: Any = None
        try:
            message = decode(raw)
            id = message.get("id")
            return self._receive(message)
        except InvalidMessage as exc:
            error: Message = {"type": "error", "payload": {"message": str(exc)}}
            if isinstance(id, str):
                error["id"] = id
            return [Reply(error)]

    def _receive(self, message: Message) -> list[Action]:
        kind = message["type"]
        if kind == "connection_init":
            if self.initialised:
                raise InvalidMessage("Invalid message: the connection is already initialised")
            payload = message.get("payload")
            if payload is not None and not isinstance(payload, dict):
                reason = "the connection_init payload must be an object"
                return [
                    Reply({"type": "connection_error", "payload": {"message": reason}}),
                    Close(CloseCode.BAD_REQUEST, reason),
                ]
            self.initialised = True
            return [Reply({"type": "connection_ack"}), Initialised(payload or {})]
        if kind == "start":
            id = operation_id(message)
            if not self.initialised:
                return [Close(CloseCode.UNAUTHORIZED, "Unauthorized")]
            params = operation_params(id, message.get("payload"))
            replaced: list[Action] = []
            if id in self.active:
                self.active.discard(id)
                replaced.append(Stop(id))
            return [*replaced, *self.admit(id, params)]
        if kind == "stop":
            id = operation_id(message)
            if id not in self.active:
                return []
            self.active.discard(id)
            return [Stop(id), Reply({"id": id, "type": "complete"})]
        if kind == "connection_terminate":
            return [Close(CloseCode.NORMAL, "")]
        raise InvalidMessage(f"Invalid message: unknown type {kind!r}")
