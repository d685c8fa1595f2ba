"""Serve an ASGI app with uvicorn on an ephemeral 127.0.0.1 port for the length of a test.

The port is bound here and the socket handed to uvicorn, so nothing can take it in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn

from shared.http_server import server_config


@contextlib.asynccontextmanager
async def serving(app: Any, *, path: str = "", **edge: Any) -> AsyncIterator[str]:
    """Yield ``http://127.0.0.1:PORT{path}`` while uvicorn serves ``app`` (lifespan included).

    Served as every server of the project is (:func:`shared.http_server.server_config`);
    ``edge`` sets its ``header_timeout`` or ``max_message_bytes``.
    """
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        server_config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="auto", **edge
        )
    )
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(250):
            if server.started or task.done():
                break
            await asyncio.sleep(0.02)
        if not server.started:
            raise RuntimeError("uvicorn did not start within 5 s")
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 5)
        sock.close()
