"""The benchmark's raw load generator reads every way a gateway may frame an answer, and counts
a wrong answer or a dropped connection as an error."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import orjson
import pytest

from bench.federation.raw_load import raw_load

ANSWER = orjson.dumps({"data": {"n": 1}})
FRAMINGS = [
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
    % (len(ANSWER), ANSWER),
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n"
    % (5, ANSWER[:5], len(ANSWER) - 5, ANSWER[5:]),
    b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(ANSWER), ANSWER),
]


@pytest.fixture
async def server() -> AsyncIterator[str]:
    """A server answering each request with the next of ``FRAMINGS``, closing after the last."""
    framings = itertools.cycle(FRAMINGS)

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                await reader.readexactly(length)
                framing = next(framings)
                writer.write(framing)
                if b"Connection: close" in framing:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    listening = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    async with listening:
        yield f"http://127.0.0.1:{port}/graphql"


async def test_every_framing_is_read_and_checked(server: str) -> None:
    latencies, errors, _ = await raw_load(
        server, b"{}", {"data": {"n": 1}}, concurrency=3, duration=0.3
    )
    assert len(latencies) > len(FRAMINGS) * 3 and errors == 0


async def test_a_wrong_answer_is_an_error(server: str) -> None:
    latencies, errors, _ = await raw_load(
        server, b"{}", {"data": {"n": 2}}, concurrency=2, duration=0.2
    )
    assert latencies and errors == len(latencies)


async def test_a_gateway_that_is_not_there_is_all_errors() -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    latencies, errors, _ = await raw_load(
        f"http://127.0.0.1:{port}/graphql", b"{}", {}, concurrency=1, duration=0.1
    )
    assert latencies and errors == len(latencies)
