"""uvicorn's httptools protocol with the project's edge rules, doing less per request.

- A client has ``header_timeout`` seconds, from connecting (or from the first
  byte of the next request on a kept-alive connection), to send a request's
  headers; then the connection is closed. uvicorn alone waits forever. The
  timer runs only while headers are incomplete at the end of a read: a request
  whose headers arrive in one read never starts one.
- A response of known length leaves in one write: uvicorn writes the status
  line and headers as soon as the app starts the response, then the body, two
  ``send`` calls where one does. Streamed (chunked) responses keep their
  headers going out at once.
- The ASGI scope is built once a request's headers are in, for the requests
  that go the ASGI way (:class:`~shared.direct_http.DirectProtocol` answers
  the others without one); uvicorn builds it at every request's first byte.
- The keep-alive timeout is kept by one timer per idle spell, checked when it
  fires, instead of a timer armed at every answer and cancelled at the next
  request's first read.
"""

from __future__ import annotations

import asyncio

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

HEADER_TIMEOUT = 10.0


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose request headers do not arrive in time."""

    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None
    _in_headers = False
    _idle_since: float | None = None
    """When the connection's last answer completed with no request pending; ``None`` while busy."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        # uvicorn's, with no keep-alive timer to cancel (see _keep_alive_due)
        self._idle_since = None
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError:
            message = "Invalid HTTP request received."
            self.logger.warning(message)
            self.send_400_response(message)
            return
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        if self._in_headers and self._header_timer is None and not self.transport.is_closing():
            self._arm()

    def on_message_begin(self) -> None:
        self.url = b""
        self.headers = []
        self._in_headers = True

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self._headers_arrived()
        self._begin_asgi()
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:
            cycle.transport = HeldHeaders(self.transport, cycle)  # type: ignore[assignment]

    def _begin_asgi(self) -> None:
        """The scope (and ``Expect`` flag) uvicorn's protocol sets up at a message's first byte."""
        url, headers = self.url, self.headers
        HttpToolsProtocol.on_message_begin(self)
        self.url, self.headers = url, headers
        self.scope["headers"] = headers
        self.expect_100_continue = any(
            name == b"expect" and value.lower() == b"100-continue" for name, value in headers
        )

    def on_response_complete(self) -> None:
        # uvicorn's, but for the keep-alive timer (see _keep_alive_due).
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
            return
        self._idle_since = self.loop.time()
        if self.timeout_keep_alive_task is None:
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self._keep_alive_due
            )

    def _keep_alive_due(self) -> None:
        self.timeout_keep_alive_task = None
        idle_since = self._idle_since
        if idle_since is None or self.transport.is_closing():
            return  # busy: armed again when its answer completes
        left = idle_since + self.timeout_keep_alive - self.loop.time()
        if left > 0:
            self.timeout_keep_alive_task = self.loop.call_later(left, self._keep_alive_due)
        else:
            self.timeout_keep_alive_handler()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        if self.timeout_keep_alive_task is not None:
            self.timeout_keep_alive_task.cancel()
            self.timeout_keep_alive_task = None
        super().connection_lost(exc)

    def _headers_arrived(self) -> None:
        self._in_headers = False
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _arm(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

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
