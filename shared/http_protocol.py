"""uvicorn's httptools protocol with the project's edge rules: a header timeout, one write per answer.

- A client has ``header_timeout`` seconds, from connecting (or from the first
  byte of the next request on a kept-alive connection), to send a request's
  headers; then the connection is closed. uvicorn alone waits forever. The
  timer runs only while headers are incomplete at the end of a read: a request
  whose headers arrive in one read never starts one.
- A response of known length leaves in one write: uvicorn writes the status
  line and headers as soon as the app starts the response, then the body, two
  ``send`` calls where one does. Streamed (chunked) responses keep their
  headers going out at once.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

HEADER_TIMEOUT = 10.0


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing connections whose request headers do not arrive in time."""

    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None
    _in_headers = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_headers and self._header_timer is None and not self.transport.is_closing():
            self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_headers = True

    def on_headers_complete(self) -> None:
        self._headers_arrived()
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:
            cycle.transport = HeldHeaders(self.transport, cycle)  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
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
