"""GraphQL over Server-Sent Events, the protocol's "distinct connections" mode.

A request (POST, or GET for queries and subscriptions) whose ``Accept``
ranks ``text/event-stream`` first gets its results as a stream of events on
its own connection: one ``next`` event per result (one for a query or
mutation, one per event for a subscription) and a final ``complete``. A
comment line is sent every ``[subscriptions] keepalive`` seconds so idle
streams survive proxies. Request errors are answered before the stream
starts, as ordinary JSON responses; a subscription that ends with errors
sends them as its last ``next``. When the client goes away the results are
closed, which ends the subscription at the subgraph.

A plain ASGI response rather than Starlette's ``StreamingResponse``, so that
the client's disconnect cancels the stream with ordinary asyncio
cancellation and the subgraph subscription can still be closed cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import Any

import orjson
from starlette.types import Receive, Scope, Send

from router.errors import ErrorCode, error
from router.execution import ExecutionResult

log = logging.getLogger("router.http")

_KEEPALIVE = b":\n\n"
_COMPLETE = b"event: complete\ndata:\n\n"
_INTERNAL = {"errors": [error("Internal server error", ErrorCode.INTERNAL)]}

Emit = Callable[[bytes], Awaitable[None]]


class EventStream:
    def __init__(
        self,
        results: AsyncGenerator[ExecutionResult, None],
        *,
        keepalive: float,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.results = results
        self.keepalive = keepalive
        self.headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),  # nginx: pass events on as they come
            *((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sending = asyncio.Lock()

        async def emit(chunk: bytes) -> None:
            async with sending:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})

        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        stream = asyncio.ensure_future(self.stream(emit))
        gone = asyncio.ensure_future(_gone(receive))
        keepalive = asyncio.ensure_future(self.keep_alive(emit))
        try:
            await asyncio.wait((stream, gone), return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (stream, gone, keepalive):
                task.cancel()
            await asyncio.gather(stream, gone, keepalive, return_exceptions=True)
        if not stream.cancelled() and stream.exception() is None:
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def stream(self, emit: Emit) -> None:
        async with contextlib.aclosing(self.results):
            try:
                async for result in self.results:
                    await emit(_event(result.formatted()))
                    if not result.data_present:
                        break
            except Exception:  # the stream has started: the error goes in it, masked
                log.exception("event stream failed")
                await emit(_event(_INTERNAL))
        await emit(_COMPLETE)

    async def keep_alive(self, emit: Emit) -> None:
        while True:
            await asyncio.sleep(self.keepalive)
            await emit(_KEEPALIVE)


def _event(payload: dict[str, Any]) -> bytes:
    return b"event: next\ndata: " + orjson.dumps(payload) + b"\n\n"


async def _gone(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
