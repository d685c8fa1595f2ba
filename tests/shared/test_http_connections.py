"""A kept-alive connection's life, and the ASGI scope a request gets, on the project's protocol:
idle connections close after ``timeout_keep_alive`` counted from the last answer, busy ones
never; a request going the ASGI way sees the scope uvicorn's own protocol gives."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from tests.support.connections import RecordingTransport, connect, until

KEEP_ALIVE = 1.0


class Recorder:
    """Answers every request after ``delay`` seconds, keeping each request's scope."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.scopes: list[dict[str, Any]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        self.scopes.append(scope)
        more = True
        while more:
            more = (await receive()).get("more_body", False)
        await asyncio.sleep(self.delay)
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
        )
        await send({"type": "http.response.body", "body": b"ok"})


GET = b"GET / HTTP/1.1\r\nhost: x\r\n\r\n"


async def closed_within(transport: RecordingTransport, seconds: float) -> bool:
    for _ in range(round(seconds / 0.05)):
        if transport.closed:
            return True
        await asyncio.sleep(0.05)
    return transport.closed


async def test_an_idle_connection_closes_once_the_keep_alive_timeout_passes() -> None:
    protocol, transport = connect(Recorder(), timeout_keep_alive=KEEP_ALIVE)
    protocol.data_received(GET)
    await until(transport, bool)
    assert transport.writes and not transport.closed
    assert await closed_within(transport, KEEP_ALIVE + 2)


async def test_the_timeout_counts_from_the_last_answer_not_the_first() -> None:
    protocol, transport = connect(Recorder(), timeout_keep_alive=KEEP_ALIVE)
    protocol.data_received(GET)
    await until(transport, bool)
    await asyncio.sleep(KEEP_ALIVE * 0.6)
    protocol.data_received(GET)
    await until(transport, lambda writes: len(writes) == 2)
    await asyncio.sleep(KEEP_ALIVE * 0.6)  # past the first answer's timeout, not the second's
    assert not transport.closed
    assert await closed_within(transport, KEEP_ALIVE + 2)


async def test_a_request_answered_slower_than_the_timeout_keeps_its_connection() -> None:
    app = Recorder()
    protocol, transport = connect(app, timeout_keep_alive=KEEP_ALIVE)
    protocol.data_received(GET)
    await until(transport, bool)
    app.delay = KEEP_ALIVE * 1.5
    protocol.data_received(GET)
    await asyncio.sleep(KEEP_ALIVE * 1.2)  # the timer armed by the first answer fired meanwhile
    assert not transport.closed and len(transport.writes) == 1
    await until(transport, lambda writes: len(writes) == 2)
    assert len(transport.writes) == 2 and not transport.closed
    assert await closed_within(transport, KEEP_ALIVE + 2)
    protocol.connection_lost(None)


async def uvicorns_scope(request: bytes) -> dict[str, Any]:
    """The scope uvicorn's own httptools protocol gives an app for ``request``."""
    app = Recorder()
    config = Config(app, http="httptools", log_level="warning", log_config=None)
    config.load()
    protocol = HttpToolsProtocol(config=config, server_state=ServerState(), app_state={})
    transport = RecordingTransport()
    protocol.connection_made(transport)
    protocol.data_received(request)
    await until(transport, bool)
    protocol.connection_lost(None)
    return app.scopes[0]


async def test_a_request_going_the_asgi_way_gets_uvicorns_scope() -> None:
    requests = [
        GET,
        b"POST /p%C3%A9ch%C3%A9/x?a=1&b=%20 HTTP/1.0\r\nHost: x\r\nX-Two: a\r\nx-two: b\r\n"
        b"Content-Length: 2\r\n\r\nhi",
        b"PUT /up HTTP/1.1\r\nhost: x\r\nExpect: 100-continue\r\ncontent-length: 0\r\n\r\n",
    ]
    for request in requests:
        app = Recorder()
        protocol, transport = connect(app)
        protocol.data_received(request)
        await until(transport, bool)
        protocol.connection_lost(None)
        assert app.scopes == [await uvicorns_scope(request)]
