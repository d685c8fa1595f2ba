"""The guard in front of a service's HTTP endpoints: load shedding and the caller's deadline.

Every HTTP request (not ``/health`` or ``/ready``, which must answer while
the service sheds) runs inside the caller's ``Beyond-Deadline-Ms`` and is
admitted by the service's :class:`~shared.resilience.shedder.Shedder`; a
shed request gets 503 with ``Retry-After`` and a GraphQL error body
``{"code": "OVERLOADED", "retryAfter": 1}`` without reaching the schema.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.resilience.deadline import HEADER, deadline_scope, parse_header
from shared.resilience.errors import Overloaded
from shared.resilience.shedder import Shedder

_UNGUARDED = frozenset({"/health", "/ready"})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def _overloaded(send: Send, error: Overloaded) -> None:
    body = orjson.dumps({"errors": [{"message": error.message, "extensions": error.extensions}]})
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"retry-after", str(error.extensions["retryAfter"]).encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class GuardMiddleware:
    def __init__(self, app: ASGIApp, *, shedder: Shedder) -> None:
        self._app = app
        self._shedder = shedder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _UNGUARDED:
            await self._app(scope, receive, send)
            return
        with deadline_scope(parse_header(_header(scope, HEADER.encode()))):
            try:
                done = self._shedder.admit()
            except Overloaded as error:
                await _overloaded(send, error)
                return
            try:
                await self._app(scope, receive, send)
            finally:
                done()
