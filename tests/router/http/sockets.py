"""Subscription test helpers: the review feed behind a real router, and a bounded WebSocket client.

Every receive has a timeout, so a test that waits for something that never
comes fails instead of hanging.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from router.config import parse_config
from router.http import create_router_app
from tests.router.http.compose import REVIEW_FEED_SUPERGRAPH
from tests.router.http.live_federation import serve_subgraphs
from tests.router.live_server import serving
from tests.router.review_feed import review_feed_apps

TIMEOUT = 5.0
_POLL_SECONDS = 0.01


@contextlib.asynccontextmanager
async def feed_subgraphs() -> AsyncIterator[dict[str, str]]:
    """The review feed's subgraphs on their own ports: name → HTTP URL."""
    async with contextlib.AsyncExitStack() as stack:
        yield await serve_subgraphs(stack, review_feed_apps())


@contextlib.asynccontextmanager
async def feed_router(urls: Mapping[str, str], **config: Any) -> AsyncIterator[str]:
    """The router over ``urls`` on its own port (``http://127.0.0.1:PORT``); ``config`` as TOML tables."""
    subgraphs = {
        name: {"url": url, **config.get("subgraphs", {}).get(name, {})}
        for name, url in urls.items()
    }
    settings = parse_config({**config, "subgraphs": subgraphs})
    app = create_router_app(dataclasses.replace(settings, supergraph=REVIEW_FEED_SUPERGRAPH))
    async with serving(app) as url:
        yield url


class Socket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, message: Mapping[str, Any] | str) -> None:
        await self.ws.send(message if isinstance(message, str) else orjson.dumps(message).decode())

    async def receive(self) -> dict[str, Any]:
        message = orjson.loads(await asyncio.wait_for(self.ws.recv(), TIMEOUT))
        assert isinstance(message, dict)
        return message

    async def init(self, payload: Mapping[str, Any] | None = None) -> None:
        await self.send({"type": "connection_init", "payload": dict(payload or {})})
        assert (await self.receive())["type"] == "connection_ack"

    async def closed(self) -> tuple[int, str]:
        """Wait for the server to close the socket (ignoring messages); its code and reason."""
        async with asyncio.timeout(TIMEOUT):
            with contextlib.suppress(ConnectionClosed):
                while True:
                    await self.ws.recv()
        assert self.ws.close_code is not None
        return self.ws.close_code, self.ws.close_reason or ""

    async def nothing_for(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            message = await asyncio.wait_for(self.ws.recv(), seconds)
            raise AssertionError(f"expected silence, got {message!r}")


@contextlib.asynccontextmanager
async def socket(
    router_url: str,
    protocol: str | None = "graphql-transport-ws",
    headers: Mapping[str, str] | None = None,
) -> AsyncIterator[Socket]:
    async with connect(
        router_url.replace("http://", "ws://") + "/graphql",
        subprotocols=[Subprotocol(protocol)] if protocol else None,
        additional_headers=dict(headers or {}),
        open_timeout=TIMEOUT,
        close_timeout=1,
    ) as ws:
        yield Socket(ws)


async def wait_until(condition: Callable[[], bool]) -> None:
    """Poll ``condition()`` until it is true; fail after ``TIMEOUT`` seconds."""
    for _ in range(int(TIMEOUT / _POLL_SECONDS)):
        if condition():
            return
        await asyncio.sleep(_POLL_SECONDS)
    raise AssertionError(f"still not true after {TIMEOUT}s")
