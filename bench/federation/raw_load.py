"""A load generator that costs little per request: raw HTTP/1.1 over keep-alive connections.

aiohttp's client spends about as much CPU per request as a fast gateway: on
one core it could not keep our router busy on the small query, which then
woke for a few requests at a time and paid its per-wakeup costs on fewer
requests than it would under full load. Each client here writes its
request, reads the status line and headers, then the body by
``Content-Length`` or in chunks, checks the answer, and sends the next on
the same connection (a new one after ``Connection: close`` or an error).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import urlsplit

import orjson

_Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def raw_load(
    url: str, body: bytes, expected: Any, *, concurrency: int, duration: float
) -> tuple[list[float], int, float]:
    """Drive ``concurrency`` clients for ``duration`` s: latencies (s), errors, elapsed (s)."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = post_request(url, body)
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    deadline = start + duration

    async def client() -> None:
        nonlocal errors
        connection: _Connection | None = None
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                reader, writer = connection
                writer.write(request)
                status, payload, keep_alive = await read_response(reader)
                ok = status == 200 and orjson.loads(payload) == expected
                if not keep_alive:
                    writer.close()
                    connection = None
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                ok = False  # orjson's decode error is a ValueError
                if connection is not None:
                    connection[1].close()
                    connection = None
            latencies.append(time.perf_counter() - sent)
            if not ok:
                errors += 1
        if connection is not None:
            connection[1].close()

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - start


def post_request(url: str, body: bytes) -> bytes:
    """The bytes of a JSON ``POST`` of ``body`` to ``url``."""
    parts = urlsplit(url)
    return (
        f"POST {parts.path or '/'} HTTP/1.1\r\nhost: {parts.netloc}\r\n"
        "content-type: application/json\r\naccept: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body, and whether the connection stays open."""
    lines = (await reader.readuntil(b"\r\n\r\n")).split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers: dict[bytes, bytes] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
    keep_alive = headers.get(b"connection", b"").lower() != b"close"
    length = headers.get(b"content-length")
    if length is not None:
        return status, await reader.readexactly(int(length)), keep_alive
    if headers.get(b"transfer-encoding", b"").lower() != b"chunked":
        return status, await reader.read(), False  # the body ends with the connection
    chunks = []
    while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
        chunks.append(await reader.readexactly(size))
        await reader.readexactly(2)
    while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, if any
        pass
    return status, b"".join(chunks), keep_alive
