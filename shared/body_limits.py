"""ASGI middleware: an HTTP request's body arrives whole, within a size and a time, or is refused.

The body is read before the app runs: over ``max_bytes`` (declared or sent)
is 413 ``PAYLOAD_TOO_LARGE``, a body that stops arriving for
``body_timeout`` seconds is 408 ``REQUEST_TIMEOUT``, each as a GraphQL error
and with ``Connection: close``; the app then gets the body from memory.
The router and every subgraph use it, with the same limit.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1024 * 1024
BODY_TIMEOUT = 30.0


class BodyLimits:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = MAX_BODY_BYTES,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send, 413, "PAYLOAD_TOO_LARGE", self._too_large())
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            try:
                message = await _within(self.body_timeout, receive)
            except TimeoutError:
                await self._refuse(send, *too_slow(self.body_timeout))
                return
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, 413, "PAYLOAD_TOO_LARGE", self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    def _too_large(self) -> str:
        return f"The request body is larger than {self.max_bytes} bytes"

    async def _refuse(self, send: Send, status: int, code: str, message: str) -> None:
        headers, body = refusal(code, message)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def too_slow(body_timeout: float) -> tuple[int, str, str]:
    """Status, code and message for a body that stopped arriving for ``body_timeout`` seconds."""
    message = f"The request body did not arrive within {body_timeout:g} seconds"
    return 408, "REQUEST_TIMEOUT", message


def refusal(code: str, message: str) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """The headers and body refusing a request's body: one GraphQL error, and the connection closed."""
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    return headers, body


async def _within(seconds: float, receive: Receive) -> Message:
    """``receive()``, or ``TimeoutError`` after ``seconds``: ``asyncio.timeout`` with one timer and no context manager.

    It runs once per request, so its cost counts: the timer cancels the task,
    and a cancellation the timer did not cause goes on as one.
    """
    task = asyncio.current_task()
    if task is None:
        raise RuntimeError("an ASGI app runs in a task")
    cancelling = task.cancelling()
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    timer = asyncio.get_running_loop().call_later(seconds, expire)
    try:
        return await receive()
    except asyncio.CancelledError:
        if expired and task.uncancel() <= cancelling:
            raise TimeoutError from None
        raise
    finally:
        timer.cancel()


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": False}
            return message
        return await receive()

    return replayed
