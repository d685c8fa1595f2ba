"""What the project's HTTP servers write, call by call: a response of known length in one
write, a streamed one with its headers at once, a 100 Continue before anything else."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse

from tests.support.connections import connect, served, until


def post(body: bytes, *extra: bytes) -> bytes:
    head = [b"POST / HTTP/1.1", b"host: x", b"content-length: %d" % len(body), *extra]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


async def answer(request: Request) -> JSONResponse:
    return JSONResponse({"echo": (await request.body()).decode()})


async def stream(request: Request) -> StreamingResponse:
    async def parts() -> Any:
        yield b"first"
        await asyncio.sleep(0.05)
        yield b"second"

    return StreamingResponse(parts(), media_type="text/plain")


def asgi(handler: Any) -> Any:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await (await handler(Request(scope, receive)))(scope, receive, send)

    return app


async def test_a_response_of_known_length_is_one_write() -> None:
    writes = await served(asgi(answer), post(b"hello"), lambda w: len(w) >= 1)
    assert len(writes) == 1
    head, _, body = writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and b"content-length: 16" in head
    assert body == b'{"echo":"hello"}'


async def test_kept_alive_requests_each_get_one_write() -> None:
    requests = post(b"one") + post(b"two")
    writes = await served(asgi(answer), requests, lambda w: len(w) >= 2)
    assert [w.partition(b"\r\n\r\n")[2] for w in writes] == [b'{"echo":"one"}', b'{"echo":"two"}']


async def test_a_streamed_response_sends_its_headers_before_its_first_part() -> None:
    writes = await served(asgi(stream), post(b""), lambda w: w[-1:] == [b"0\r\n\r\n"])
    assert writes[0].startswith(b"HTTP/1.1 200 OK") and writes[0].endswith(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in writes[0]
    assert writes[1:] == [b"5\r\nfirst\r\n", b"6\r\nsecond\r\n", b"0\r\n\r\n"]


async def test_a_100_continue_goes_out_before_the_response() -> None:
    head = post(b"hello", b"expect: 100-continue")[: -len(b"hello")]
    protocol, transport = connect(asgi(answer))
    protocol.data_received(head)
    await until(transport, bool)
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    protocol.data_received(b"hello")
    await until(transport, lambda writes: len(writes) == 2)
    protocol.connection_lost(None)
    assert len(transport.writes) == 2
    assert transport.writes[1].endswith(b'\r\n\r\n{"echo":"hello"}')
