"""Keep-alive HTTP/1.1 connections to subgraphs, one POST at a time on each.

The router asks subgraphs one kind of question: a JSON POST whose answer is
read whole. A general client pays for what this does not need (cookie jars,
redirects, tracing signals, multidicts, a response object per request):
aiohttp's client took 114 µs of CPU per request where this takes 32
(``bench.federation.client_cost``). The answer is parsed by httptools (llhttp, the parser uvicorn serves with).

A connection that was idle longer than the subgraph's keep-alive may be
closed by the subgraph just as a request goes out on it; such a request
fails with :class:`Dropped` before any of its answer arrived, and the caller
decides whether sending it again is safe.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from functools import lru_cache
from typing import cast
from urllib.parse import urlsplit

import httptools

from router.transport.types import Headers


class Dropped(ConnectionError):
    """The connection closed before the answer was complete."""

    def __init__(self, answered: bool) -> None:
        super().__init__("server disconnected" + (" mid-answer" if answered else ""))
        self.answered = answered


class BadAnswer(ConnectionError):
    """The bytes that came back are not an HTTP/1.1 answer."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: Headers
    body: bytes


@dataclass(frozen=True, slots=True)
class Target:
    """Where a URL's requests go: an origin for the pool and the head's first lines."""

    origin: tuple[str, int, bool]
    start: bytes

    @property
    def host(self) -> str:
        return self.origin[0]


@lru_cache(maxsize=256)
def target(url: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    start = f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n".encode("ascii")
    return Target((parts.hostname, port, secure), start)


class Connection(asyncio.Protocol):
    """One socket to a subgraph; :meth:`send` writes a request and resolves with its answer."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._waiter: asyncio.Future[Answer] | None = None
        self._headers: list[tuple[str, str]] = []
        self._body: list[bytes] = []
        self._started = False
        self._ends_at_close = False
        self.closed = False
        self.idle_since = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def send(self, request: bytes) -> asyncio.Future[Answer]:
        assert self._transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._headers = []
        self._body = []
        self._started = False
        if self.closed:
            self._waiter.set_exception(Dropped(answered=False))
        else:
            self._transport.write(request)
        return self._waiter

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._waiter.done():
            self.close()  # nothing was asked: the subgraph speaks out of turn
            return
        self._started = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(BadAnswer(f"invalid HTTP answer: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is None or self._waiter.done():
            return
        if self._ends_at_close:
            self._finish(keep_alive=False)
        else:
            self._fail(Dropped(answered=self._started))

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name.decode("latin-1"), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        names = {name.lower() for name, _ in self._headers}
        self._ends_at_close = "content-length" not in names and "transfer-encoding" not in names

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._finish(keep_alive=self._parser.should_keep_alive())

    def _finish(self, *, keep_alive: bool) -> None:
        assert self._waiter is not None
        if not keep_alive:
            self.close()
        if not self._waiter.done():
            status = self._parser.get_status_code()
            body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
            self._waiter.set_result(Answer(status, tuple(self._headers), body))

    def _fail(self, exc: Exception) -> None:
        assert self._waiter is not None
        if not self._waiter.done():
            self._waiter.set_exception(exc)


class Pool:
    """Idle connections per origin, at most ``size`` requests in flight in all.

    A connection idle for ``idle_seconds`` or more is closed instead of reused.
    """

    def __init__(self, size: int, idle_seconds: float) -> None:
        self._slots = asyncio.Semaphore(size)
        self._size = size
        self._idle_seconds = idle_seconds
        self._idle: dict[tuple[str, int, bool], list[Connection]] = {}
        self._open: set[Connection] = set()
        self._tls: ssl.SSLContext | None = None

    async def post(self, to: Target, request: bytes, within: float) -> Answer:
        """The answer to ``request`` on an idle connection to its origin, or a new one.

        Raises :class:`TimeoutError` after ``within`` seconds in all, :class:`Dropped`,
        :class:`BadAnswer`, or :class:`OSError` when no connection could be made.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        async with self._slots:
            connection = self._reusable(to.origin, loop.time())
            if connection is None:
                connection = await asyncio.wait_for(self._connect(to), deadline - loop.time())
            answer = connection.send(request)
            expiry = loop.call_at(deadline, _expire, answer, within)
            try:
                result = await answer
            except BaseException:
                connection.close()
                self._open.discard(connection)
                raise
            finally:
                expiry.cancel()
            self._release(to.origin, connection, loop.time())
            return result

    def _reusable(self, origin: tuple[str, int, bool], now: float) -> Connection | None:
        idle = self._idle.get(origin)
        while idle:
            connection = idle.pop()
            if not connection.closed and now - connection.idle_since < self._idle_seconds:
                return connection
            connection.close()
            self._open.discard(connection)
        return None

    async def _connect(self, to: Target) -> Connection:
        host, port, secure = to.origin
        if secure and self._tls is None:
            self._tls = ssl.create_default_context()
        _, connection = await asyncio.get_running_loop().create_connection(
            Connection, host, port, ssl=self._tls if secure else None
        )
        self._open.add(connection)
        return connection

    def _release(self, origin: tuple[str, int, bool], connection: Connection, now: float) -> None:
        idle = self._idle.setdefault(origin, [])
        if connection.closed or len(idle) >= self._size:
            connection.close()
            self._open.discard(connection)
            return
        connection.idle_since = now
        idle.append(connection)

    def close(self) -> None:
        for connection in self._open:
            connection.close()
        self._open.clear()
        self._idle.clear()


def _expire(answer: asyncio.Future[Answer], within: float) -> None:
    if not answer.done():
        answer.set_exception(TimeoutError(f"no answer within {within:g}s"))
