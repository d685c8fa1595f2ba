"""A subgraph on raw sockets, for tests of how the router's HTTP client copes with one."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

Answerer = Callable[[bytes, asyncio.StreamWriter], Awaitable[bool]]


def json_answer(body: bytes) -> bytes:
    return (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


class RawSubgraph:
    """An HTTP/1.1 server on raw sockets whose answer to each request a test writes.

    The answerer gets the request body and the writer, and says whether the connection
    stays open. The server counts connections and the most requests it held at once.
    """

    def __init__(self, answer: Answerer) -> None:
        self.answer = answer
        self.connections = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.bodies: list[bytes] = []

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                body = await reader.readexactly(length)
                self.bodies.append(body)
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                try:
                    keep = await self.answer(body, writer)
                    await writer.drain()
                finally:
                    self.in_flight -= 1
                if not keep:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()

    @contextlib.asynccontextmanager
    async def serving(self, tls: ssl.SSLContext | None = None) -> AsyncIterator[str]:
        server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=tls)
        port = server.sockets[0].getsockname()[1]
        try:
            yield f"http{'s' if tls else ''}://127.0.0.1:{port}/graphql"
        finally:
            server.close()
