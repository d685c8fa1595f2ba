"""Subscriptions (and any operation) over Server-Sent Events, distinct connections mode."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.router.http.sockets import TIMEOUT, feed_router, feed_subgraphs, wait_until
from tests.router.review_feed import Probe

SSE = {"accept": "text/event-stream"}


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with (
        feed_subgraphs() as urls,
        feed_router(urls, subscriptions={"keepalive": 0.05}) as url,
        httpx.AsyncClient(base_url=url, timeout=TIMEOUT) as client,
    ):
        yield client


async def events(response: httpx.Response) -> AsyncIterator[tuple[str, Any]]:
    """(event, data) pairs; a keep-alive comment is ``(":", None)``."""
    lines = response.aiter_lines()
    event = None
    while True:
        line = await asyncio.wait_for(anext(lines), TIMEOUT)
        if line.startswith(":"):
            yield ":", None
        elif line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data:"):
            data = line.removeprefix("data:").strip()
            assert event is not None
            yield event, json.loads(data) if data else None
            event = None


async def collect(response: httpx.Response) -> list[tuple[str, Any]]:
    found = []
    async for event, data in events(response):
        if event != ":":
            found.append((event, data))
        if event == "complete":
            return found
    raise AssertionError("unreachable")


async def test_a_subscription_streams_its_events_then_completes(client: httpx.AsyncClient) -> None:
    query = 'subscription { reviewAdded(ids: ["r1", "r2"]) { id author { name } } }'
    async with client.stream("POST", "/graphql", json={"query": query}, headers=SSE) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-request-id"]
        received = await collect(response)
    assert received[0] == (
        "next",
        {"data": {"reviewAdded": {"id": "r1", "author": {"name": "Ada"}}}},
    )
    _, second = received[1]
    assert second["data"] == {"reviewAdded": {"id": "r2", "author": None}}
    assert second["errors"][0]["path"] == ["reviewAdded", "author", "name"]
    assert received[2:] == [("complete", None)]


async def test_get_subscribes_as_an_event_source_would(client: httpx.AsyncClient) -> None:
    params = {"query": "subscription($n: Int!) { counter(to: $n) }", "variables": '{"n": 2}'}
    async with client.stream("GET", "/graphql", params=params, headers=SSE) as response:
        received = await collect(response)
    assert received == [
        ("next", {"data": {"counter": 1}}),
        ("next", {"data": {"counter": 2}}),
        ("complete", None),
    ]


async def test_a_query_is_one_event(client: httpx.AsyncClient) -> None:
    query = "{ topReview { author { name } } }"
    async with client.stream("POST", "/graphql", json={"query": query}, headers=SSE) as response:
        received = await collect(response)
    assert received == [
        ("next", {"data": {"topReview": {"author": {"name": "Ada"}}}}),
        ("complete", None),
    ]


async def test_keep_alive_comments_fill_an_idle_stream(client: httpx.AsyncClient) -> None:
    # One tick at once, then nothing for 30 s: only keep-alives (every 0.05 s here) flow.
    # On a loaded machine a keep-alive may come before the tick does.
    query = 'subscription { ticks(tag: "sse-keepalive", every: 30) }'
    tick = 'data: {"data":{"ticks":1}}'
    lines: list[str] = []
    async with (
        asyncio.timeout(TIMEOUT),
        client.stream("POST", "/graphql", json={"query": query}, headers=SSE) as response,
    ):
        assert response.status_code == 200
        async for line in response.aiter_lines():
            lines.append(line)
            if tick in lines and lines[lines.index(tick) :].count(":") == 2:
                break
    event = lines.index("event: next")
    assert lines[event : event + 3] == ["event: next", tick, ""], lines
    # Each keep-alive is a bare comment line, a block of its own.
    keep_alives = lines[:event] + lines[event + 3 :]
    assert keep_alives == [":", ""] * (len(keep_alives) // 2) + [":"], lines


async def test_leaving_the_stream_ends_the_subscription_at_the_subgraph(
    client: httpx.AsyncClient,
) -> None:
    query = 'subscription { ticks(tag: "sse-leaves", every: 30) }'
    async with client.stream("POST", "/graphql", json={"query": query}, headers=SSE) as response:
        async for event, data in events(response):
            if event == "next":
                assert data == {"data": {"ticks": 1}}
                break
    await wait_until(lambda: "sse-leaves" in Probe.closed)


async def test_request_errors_are_answered_before_any_stream(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "subscription { nope }"}, headers=SSE)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    mutation = await client.get("/graphql", params={"query": "mutation { x }"}, headers=SSE)
    assert mutation.status_code in (400, 405)


async def test_plain_http_points_subscribers_at_websocket_and_sse(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "subscription { counter(to: 1) }"})
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "graphql-transport-ws" in message and "text/event-stream" in message
