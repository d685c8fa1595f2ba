"""Call subgraph ASGI apps in-process: real subgraph code, no sockets.

A minimal ASGI client (one ``http`` request, body sent in one chunk) so the
router needs no HTTP client library for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any
from urllib.parse import urlsplit

import orjson

from router.transport.decode import decode_response
from router.transport.errors import TransportError, UnknownSubgraphError
from router.transport.types import SubgraphRequest, SubgraphResponse

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class AsgiTransport:
    """``apps`` maps a service name to ``(app, path)``; the path defaults to ``/graphql``."""

    def __init__(self, apps: Mapping[str, AsgiApp | tuple[AsgiApp, str]]) -> None:
        self._apps: dict[str, tuple[AsgiApp, str]] = {
            name: entry if isinstance(entry, tuple) else (entry, "/graphql")
            for name, entry in apps.items()
        }

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        entry = self._apps.get(service_name)
        if entry is None:
            raise UnknownSubgraphError(service_name)
        app, path = entry
        body = orjson.dumps(request.body())
        headers = [
            *((k.lower().encode(), v.encode()) for k, v in request.headers),
            (b"content-type", b"application/json"),
            (b"accept", b"application/graphql-response+json, application/json;q=0.9"),
            (b"content-length", str(len(body)).encode()),
        ]
        parsed = urlsplit(path)
        scope: Scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": parsed.path,
            "raw_path": parsed.path.encode(),
            "query_string": parsed.query.encode(),
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 0),
            "server": ("127.0.0.1", 80),
        }
        sent = False
        status = 500
        response_headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers.extend(
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", ())
                )
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        try:
            await app(scope, receive, send)
        except Exception as exc:  # an in-process app crashing is a failed fetch, as over HTTP
            raise TransportError(service_name, f"application raised {type(exc).__name__}") from exc
        return decode_response(service_name, status, b"".join(chunks), tuple(response_headers))
