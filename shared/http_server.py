"""How every HTTP server of the project is configured: uvicorn without trust in forwarded headers, with edge limits.

- ``proxy_headers`` is off: uvicorn's default believes ``X-Forwarded-For``
  from any loopback peer, so a client on the same host could pick the address
  every per-network limit counts. The router decides whom to believe
  (``[server] trusted_proxies``), the subgraphs believe the router only.
- A client has ``header_timeout`` seconds, from connecting (or from the first
  byte of the next request on a kept-alive connection), to send a request's
  headers; then the connection is closed. uvicorn alone waits forever.
- WebSocket messages are limited to the same size as HTTP bodies
  (``max_message_bytes``; uvicorn's default is 16 MiB).
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_MESSAGE_BYTES = 1024 * 1024
HEADER_TIMEOUT = 10.0


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose request headers do not arrive in time."""

    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_timer is None:
            self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        self.transport.close()


def server_config(
    app: Any,
    *,
    host: str,
    port: int,
    log_level: str,
    max_message_bytes: int = MAX_MESSAGE_BYTES,
    header_timeout: float = HEADER_TIMEOUT,
    **options: Any,
) -> uvicorn.Config:
    """A uvicorn config for ``app`` with the project's edge rules; ``options`` are uvicorn's own."""
    protocol = type(
        "HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": header_timeout}
    )
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=False,
        forwarded_allow_ips="",
        http=protocol,
        ws_max_size=max_message_bytes,
        **options,
    )
