"""The body timer of :mod:`shared.body_limits`: 408 when the body stops, and no say over other cancellations."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from shared.body_limits import BodyLimits

SCOPE = {"type": "http", "method": "POST", "path": "/graphql", "headers": []}


async def _unreachable(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("the app runs only once the body has arrived")


async def _never() -> dict[str, Any]:
    await asyncio.Event().wait()
    raise AssertionError("never set")


async def test_a_body_that_stops_arriving_is_refused_with_408() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await BodyLimits(_unreachable, body_timeout=0.01)(SCOPE, _never, send)
    assert sent[0]["status"] == 408
    assert orjson.loads(sent[1]["body"])["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"


async def test_a_request_cancelled_while_its_body_is_awaited_stays_cancelled() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    task = asyncio.create_task(BodyLimits(_unreachable, body_timeout=60)(SCOPE, _never, send))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert sent == []


async def test_a_whole_body_reaches_the_app() -> None:
    seen: list[bytes] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append((await receive())["body"])

    chunks = iter([b'{"query":', b' "{ a }"}'])

    async def receive() -> dict[str, Any]:
        chunk = next(chunks)
        return {"type": "http.request", "body": chunk, "more_body": chunk != b' "{ a }"}'}

    async def send(message: dict[str, Any]) -> None:
        raise AssertionError("nothing is refused")

    await BodyLimits(app, body_timeout=60)(SCOPE, receive, send)
    assert seen == [b'{"query": "{ a }"}']
