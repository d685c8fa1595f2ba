"""An app's hot endpoint answered by the HTTP protocol itself, past ASGI.

uvicorn turns every request into an ASGI cycle: a scope, an event, ``receive``
and ``send`` with their messages, header checks on every ``send``, a task
running the app's middleware. For a small GraphQL query that machinery costs
as much CPU as the router's own work. An ASGI app may offer a
:class:`DirectRoute` (its ``direct_route`` attribute): :class:`DirectProtocol`
then takes the requests the route can answer with one JSON body itself. It
keeps the body (within the route's size and time limits), runs the route's
``answer`` on a :class:`HttpRequest`, and writes the status line, headers and
body in one write.

Taken directly: ``POST`` to the route's path (no query string) with a
``Content-Length`` within the limit, no ``Expect``, no upgrade, and an
``Accept`` that asks for no stream (``text/event-stream``,
``multipart/mixed``). With CORS on, requests carrying an ``Origin`` go the
ASGI way too; the others get the ``Vary: Origin`` the CORS middleware adds.
Everything else, and every request of a server started with uvicorn options
the direct path does not honour (``root_path``, ``limit_concurrency``,
``reset_contextvars``), goes the ASGI way through the same app.

What stays as uvicorn does it: answers on one connection leave in request
order (a request arriving while another is answered waits, with reading
paused), keep-alive and ``Connection: close`` (HTTP/1.0 closes), a graceful
shutdown letting the answer in progress finish, the ``server`` and ``date``
headers. A body that stops arriving for ``body_timeout`` seconds is refused
with 408 as :class:`~shared.body_limits.BodyLimits` refuses it; an exception
escaping ``answer`` is logged and answered 500 with the connection closed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HEADER_RE, HEADER_VALUE_RE, STATUS_LINE

from shared.body_limits import refusal, too_slow
from shared.http_protocol import HeaderTimeoutProtocol

log = logging.getLogger("uvicorn.error")

RawHeaders = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One HTTP request, its body read: what an endpoint needs of it, whichever way it came."""

    method: str
    headers: RawHeaders
    """As received, names lowercase."""
    query_string: bytes
    body: bytes
    peer: str | None
    """The connection's peer address."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A whole response: status, headers (names lowercase) and body."""

    status: int
    headers: RawHeaders
    body: bytes


@dataclass(frozen=True, slots=True)
class DirectRoute:
    """What an app answers itself: ``POST`` to ``path`` with a body of at most ``max_body_bytes``."""

    path: bytes
    answer: Callable[[HttpRequest], Awaitable[Answer]]
    max_body_bytes: int
    body_timeout: float
    vary_origin: bool = False
    """CORS is on: requests with an ``Origin`` go the ASGI way; answers get ``Vary: Origin``."""


_STREAMS = (b"text/event-stream", b"multipart/mixed")
_SERVER_ERROR = Answer(
    500,
    [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", b"21"),
        (b"connection", b"close"),
    ],
    b"Internal Server Error",
)


class _NoWaiter:
    """uvicorn's protocol sets a cycle's ``message_event`` when the connection drops; no one waits here."""

    def set(self) -> None:
        return None


class _Direct:
    """A request taken directly: its body as it arrives, then its answer.

    Has the attributes uvicorn's protocol reads of its current cycle
    (``response_complete``, ``disconnected``, ``keep_alive``, ``message_event``).
    """

    __slots__ = (
        "chunks",
        "complete",
        "disconnected",
        "headers",
        "keep_alive",
        "response_complete",
        "timer",
        "turn",
    )
    message_event = _NoWaiter()

    def __init__(self, headers: RawHeaders, keep_alive: bool) -> None:
        self.headers = headers
        self.keep_alive = keep_alive
        self.chunks: list[bytes] = []
        self.complete = False
        self.turn = False
        self.response_complete = False
        self.disconnected = False
        self.timer: asyncio.TimerHandle | None = None


class DirectProtocol(HeaderTimeoutProtocol):
    """The project's HTTP protocol: the app's :class:`DirectRoute` answered here, the rest over ASGI."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        route: DirectRoute | None = getattr(self.app, "direct_route", None)
        honoured = (
            not self.root_path
            and self.limit_concurrency is None
            and not self.config.reset_contextvars
        )
        self._route = route if honoured else None
        self._defaults: list[tuple[bytes, bytes]] | None = None
        self._rendered_defaults = b""

    def on_headers_complete(self) -> None:
        route = self._route
        if route is None or not self._takes(route):
            super().on_headers_complete()
            return
        self._headers_arrived()
        parser = self.parser
        cycle = _Direct(
            self.headers, parser.get_http_version() != "1.0" and parser.should_keep_alive()
        )
        existing = self.cycle
        self.cycle = cycle  # type: ignore[assignment]
        if existing is None or existing.response_complete:
            cycle.turn = True
        else:
            self.flow.pause_reading()
            self.pipeline.appendleft((cycle, self.app))  # type: ignore[arg-type]

    def _takes(self, route: DirectRoute) -> bool:
        if (
            self.url != route.path
            or self.parser.get_method() != b"POST"
            or self.parser.should_upgrade()
        ):
            return False
        length = b""
        for name, value in self.headers:
            if name == b"content-length":
                length = value
            elif name == b"accept":
                lowered = value.lower()
                # find, not in: bytes' `in` first tries its operand as an int and fails (3.11)
                if lowered.find(_STREAMS[0]) >= 0 or lowered.find(_STREAMS[1]) >= 0:
                    return False
            elif (
                name == b"transfer-encoding"
                or name == b"expect"
                or (name == b"origin" and route.vary_origin)
            ):
                return False
        return length.isdigit() and int(length) <= route.max_body_bytes

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        cycle: object = self.cycle
        if (
            isinstance(cycle, _Direct)
            and cycle.turn
            and not cycle.complete
            and cycle.timer is None
            and not cycle.response_complete
        ):
            self._arm_body_timer(cycle)

    def on_body(self, body: bytes) -> None:
        cycle: object = self.cycle
        if not isinstance(cycle, _Direct):
            super().on_body(body)
            return
        if cycle.response_complete:
            return
        cycle.chunks.append(body)
        if cycle.timer is not None:  # a body in pieces: each piece restarts the clock
            cycle.timer.cancel()
            self._arm_body_timer(cycle)

    def on_message_complete(self) -> None:
        cycle: object = self.cycle
        if not isinstance(cycle, _Direct):
            super().on_message_complete()
            return
        if cycle.response_complete:
            return
        cycle.complete = True
        if cycle.timer is not None:
            cycle.timer.cancel()
            cycle.timer = None
        if cycle.turn:
            self._launch(cycle)

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        # The previous answer is complete and this request's turn has come.
        if not isinstance(cycle, _Direct):
            super()._start_asgi_task(cycle, app)
            return
        cycle.turn = True
        if cycle.complete:
            self._launch(cycle)
        elif cycle.timer is None:
            self._arm_body_timer(cycle)

    def connection_lost(self, exc: Exception | None) -> None:
        cycle: object = self.cycle
        if isinstance(cycle, _Direct) and cycle.timer is not None:
            cycle.timer.cancel()
            cycle.timer = None
        super().connection_lost(exc)

    def _arm_body_timer(self, cycle: _Direct) -> None:
        assert self._route is not None
        cycle.timer = self.loop.call_later(self._route.body_timeout, self._body_too_slow, cycle)

    def _body_too_slow(self, cycle: _Direct) -> None:
        cycle.timer = None
        if cycle.complete or cycle.response_complete or cycle.disconnected:
            return
        assert self._route is not None
        status, code, message = too_slow(self._route.body_timeout)
        headers, body = refusal(code, message)
        self._write(cycle, Answer(status, headers, body))

    def _launch(self, cycle: _Direct) -> None:
        task = self.loop.create_task(self._answer(cycle))
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)

    async def _answer(self, cycle: _Direct) -> None:
        assert self._route is not None
        client = self.client
        request = HttpRequest(
            "POST",
            cycle.headers,
            b"",
            b"".join(cycle.chunks),
            client[0] if client else None,
        )
        cycle.chunks = []
        try:
            answer = await self._route.answer(request)
        except (
            BaseException
        ):  # as uvicorn's cycle does: logged, and a 500 if the answer had not begun
            log.exception("Exception answering %s", self._route.path.decode("latin-1"))
            answer = _SERVER_ERROR
        if self.flow.write_paused and not cycle.disconnected:
            await self.flow.drain()
        self._write(cycle, answer)

    def _write(self, cycle: _Direct, answer: Answer) -> None:
        if cycle.disconnected or self.transport.is_closing():
            return  # the client went away (uvicorn marks only the connection's latest request)
        assert self._route is not None
        keep_alive = cycle.keep_alive
        closing = False
        varies: list[bytes] = []
        # Each pattern matches one character: none in the names (values) joined is none in any.
        names = b"".join([name for name, _ in answer.headers])
        values = b"".join([value for _, value in answer.headers])
        if HEADER_RE.search(names) or HEADER_VALUE_RE.search(values):
            log.error("Invalid HTTP header in the answer to %r", self.url)
            self._write(cycle, _SERVER_ERROR)
            return
        content = [STATUS_LINE[answer.status], self._default_headers()]
        for name, value in answer.headers:
            if name == b"connection" and b"close" in value.lower():
                keep_alive = False
                closing = True
            elif name == b"vary" and self._route.vary_origin:
                varies.append(value)
                continue
            content += (name, b": ", value, b"\r\n")
        if self._route.vary_origin:  # as Starlette's CORS middleware: one Vary, Origin last
            content += (b"vary: ", b", ".join((*varies, b"Origin")), b"\r\n")
        if not keep_alive and not closing:
            content.append(b"connection: close\r\n")
        content += (b"\r\n", answer.body)
        self.transport.write(b"".join(content))
        cycle.response_complete = True
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()

    def _default_headers(self) -> bytes:
        """The server's own headers (``server``, ``date``), rendered once per change of their list
        (uvicorn renews it every second, for the date). A configured header that is not a valid
        one is left out (the ASGI way would answer 500 to every request instead)."""
        defaults = self.server_state.default_headers
        if defaults is not self._defaults:
            self._defaults = defaults
            self._rendered_defaults = b"".join(
                name + b": " + value + b"\r\n"
                for name, value in defaults
                if not (HEADER_RE.search(name) or HEADER_VALUE_RE.search(value))
            )
        return self._rendered_defaults
