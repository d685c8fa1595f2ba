"""One connection to a server configured as the project's are, driven in memory: every write kept apart."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from uvicorn.server import ServerState

from shared.http_server import server_config


class RecordingTransport(asyncio.Transport):
    """A connection's socket as the protocol sees it: every write kept apart."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False
        self.reading = True

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.closed:  # as uvloop's transport, once closed
            raise RuntimeError("unable to perform operation on a closed transport")
        if data:
            self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True


def connect(app: Any, **options: Any) -> tuple[Any, RecordingTransport]:
    """A connection to a server of ``app`` configured as the project's are (``options`` are
    :func:`~shared.http_server.server_config`'s), and its socket."""
    config = server_config(app, host="127.0.0.1", port=8000, log_level="warning", **options)
    config.load()
    protocol = config.http_protocol_class(  # type: ignore[call-arg]
        config=config, server_state=ServerState(), app_state={}
    )
    transport = RecordingTransport()
    protocol.connection_made(transport)
    return protocol, transport


async def until(transport: RecordingTransport, done: Callable[[list[bytes]], bool]) -> None:
    for _ in range(200):
        if done(transport.writes):
            return
        await asyncio.sleep(0.01)


async def served(app: Any, request: bytes, done: Callable[[list[bytes]], bool]) -> list[bytes]:
    """The writes a server makes answering ``request`` on one connection, once ``done``."""
    protocol, transport = connect(app)
    protocol.data_received(request)
    await until(transport, done)
    protocol.connection_lost(None)
    return transport.writes
