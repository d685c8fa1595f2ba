"""The client-facing WebSocket protocols as state machines: messages in, actions out, no I/O.

A :class:`ServerProtocol` reads one client message at a time and answers
with actions for the endpoint (:mod:`router.http.websocket`) to carry out:
:class:`Reply` (send a message), :class:`Initialised` (the client's
``connection_init`` payload, which holds its headers), :class:`Start` and
:class:`Stop` (an operation), :class:`Close`. It also words what the
endpoint sends on an operation's behalf (a result, its errors, its
completion) and keeps the set of running operation ids, so nothing is sent
for an operation the client already stopped, an id is never run twice at
once, and a connection runs at most ``max_operations`` operations at once.
The two subprotocols are subclasses: :mod:`router.http.graphql_transport_ws`
and :mod:`router.http.graphql_ws`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson

from router.errors import ErrorCode, error
from router.http.errors import BadRequest
from router.http.params import GraphQLParams, params_from
from router.transport.subprotocols import CloseCode

Message = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Reply:
    message: Message


@dataclass(frozen=True, slots=True)
class Initialised:
    payload: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Start:
    id: str
    params: GraphQLParams


@dataclass(frozen=True, slots=True)
class Stop:
    id: str


@dataclass(frozen=True, slots=True)
class Close:
    code: int
    reason: str


Action = Reply | Initialised | Start | Stop | Close

INIT_TIMEOUT = Close(
    CloseCode.CONNECTION_INITIALISATION_TIMEOUT, "Connection initialisation timeout"
)


class InvalidMessage(Exception):
    """A client message that is not what the protocol allows; the text says what is wrong."""


class ServerProtocol:
    name: ClassVar[str]
    result_type: ClassVar[str]

    def __init__(self, *, max_operations: int) -> None:
        self.max_operations = max_operations
        self.initialised = False
        self.active: set[str] = set()

    def receive(self, raw: str | bytes | None) -> list[Action]:
        raise NotImplementedError

    def keepalive(self) -> Message | None:
        """A message to repeat while the connection is idle, if the protocol has one."""
        return None

    def result(self, id: str, payload: Message) -> Message | None:
        """One result of a running operation; ``None`` once the client has stopped it."""
        if id not in self.active:
            return None
        return {"id": id, "type": self.result_type, "payload": payload}

    def error(self, id: str, errors: list[Message]) -> Message | None:
        """The operation ends with these errors (no ``complete`` follows)."""
        if id not in self.active:
            return None
        self.active.discard(id)
        return self.error_message(id, errors)

    def complete(self, id: str) -> Message | None:
        if id not in self.active:
            return None
        self.active.discard(id)
        return {"id": id, "type": "complete"}

    def error_message(self, id: str, errors: list[Message]) -> Message:
        return {"id": id, "type": "error", "payload": errors}

    def admit(self, id: str, params: GraphQLParams) -> list[Action]:
        """Start an operation under a free id, unless the connection is at its limit."""
        if len(self.active) >= self.max_operations:
            limit = (
                f"This connection already runs {self.max_operations} operations, its limit: "
                "complete one, or open another connection"
            )
            return [Reply(self.error_message(id, [error(limit, ErrorCode.TOO_MANY_OPERATIONS)]))]
        self.active.add(id)
        return [Start(id, params)]


def operation_params(id: str, payload: Any) -> GraphQLParams:
    if not isinstance(payload, dict):
        raise InvalidMessage(f"Invalid message: operation {id!r} needs a 'payload' object")
    try:
        return params_from(payload)
    except BadRequest as exc:
        raise InvalidMessage(f"Invalid message: operation {id!r}: {exc.message}") from None


def decode(raw: str | bytes | None) -> Message:
    """One message as a JSON object with a string ``type``; :class:`InvalidMessage` otherwise."""
    if raw is None:
        raise InvalidMessage("Invalid message: empty frame")
    try:
        message = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidMessage("Invalid message: not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise InvalidMessage("Invalid message: expected a JSON object with a string 'type'")
    return message


def operation_id(message: Message) -> str:
    id = message.get("id")
    if not isinstance(id, str) or not id:
        raise InvalidMessage(f"Invalid message: {message['type']!r} needs a non-empty string 'id'")
    return id
