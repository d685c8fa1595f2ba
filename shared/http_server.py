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
- A response of known length leaves in one write: uvicorn writes the status
  line and headers as soon as the app starts the response, then the body, two
  ``send`` calls where one does. Streamed (chunked) responses keep their
  headers going out at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

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
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:
            cycle.transport = HeldHeaders(self.transport, cycle)  # type: ignore[assignment]

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


class HeldHeaders:
    """The transport as one response's cycle sees it: the status line and headers of a
    response with a ``content-length`` wait for its first body write and go out with it."""

    __slots__ = ("_cycle", "_held", "_started", "_transport")

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self._transport = transport
        self._cycle = cycle
        self._started = False
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
            return
        if not self._started and self._cycle.response_started:
            # The first write once the response started is its status line and headers
            # (a 100 Continue before it went straight through).
            self._started = True
            if self._cycle.chunked_encoding is False:
                self._held = data
                return
        self._transport.write(data)

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def close(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            self._transport.write(held)
        self._transport.close()


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
    """A uvicorn config for ``app`` with the project's edge rules; ``options`` are uvicorn's own.

    uvicorn leaves logging alone (its records go to the root handler that
    :func:`shared.logs.configure_logging` set, JSON lines in production) and
    writes no access log: the router's ``router.access`` line is the one per operation.
    """
    protocol = type(
        "HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout": header_timeout}
    )
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        forwarded_allow_ips="",
        http=protocol,
        ws_max_size=max_message_bytes,
        **options,
    )
