"""Transports: the in-process ASGI peer, the pooled HTTP peer, and in-flight deduplication."""

from __future__ import annotations

import asyncio

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from router.transport import (
    AsgiTransport,
    DedupTransport,
    HttpTransport,
    SubgraphHttpError,
    SubgraphRequest,
    SubgraphResponse,
    TransportError,
    UnknownSubgraphError,
)
from tests.router.live_server import serving
from tests.router.raw_subgraph import RawSubgraph, json_answer


async def _graphql(request: Request) -> Response:
    body = await request.json()
    if body["query"] == "{slow}":
        await asyncio.sleep(1)
    if body["query"] == "{broken}":
        return Response("<html>oops</html>", status_code=502)
    return JSONResponse(
        {"data": {"echo": body, "auth": request.headers.get("authorization")}},
        headers={"cache-control": "max-age=60"},
    )


ECHO = Starlette(routes=[Route("/graphql", _graphql, methods=["POST"])])


@pytest.fixture(scope="module")
async def echo_url():
    async with serving(ECHO, path="/graphql") as url:
        yield url


REQUEST = SubgraphRequest(
    query="{echo}", variables={"a": 1}, headers=(("Authorization", "Bearer t"),)
)


async def test_asgi_transport_posts_the_graphql_request_in_process() -> None:
    response = await AsgiTransport({"echo": ECHO}).fetch("echo", REQUEST)
    assert response.data == {
        "echo": {"query": "{echo}", "variables": {"a": 1}},
        "auth": "Bearer t",
    }
    assert ("cache-control", "max-age=60") in response.headers


async def test_http_transport_posts_over_a_pooled_session(echo_url: str) -> None:
    transport = HttpTransport({"echo": echo_url})
    try:
        first = await transport.fetch("echo", REQUEST)
        second = await transport.fetch("echo", REQUEST)
    finally:
        await transport.aclose()
    assert first.data == second.data
    assert first.data is not None and first.data["auth"] == "Bearer t"


async def test_http_transport_failures_are_transport_errors(echo_url: str) -> None:
    transport = HttpTransport(
        {"echo": echo_url, "down": "http://127.0.0.1:9/graphql"}, timeouts={"echo": 0.2}
    )
    try:
        with pytest.raises(TransportError, match=r"timed out after 0\.2s"):
            await transport.fetch("echo", SubgraphRequest(query="{slow}"))
        with pytest.raises(SubgraphHttpError, match="HTTP 502"):
            await transport.fetch("echo", SubgraphRequest(query="{broken}"))
        with pytest.raises(TransportError, match="request failed"):
            await transport.fetch("down", REQUEST)
        with pytest.raises(UnknownSubgraphError):
            await transport.fetch("nope", REQUEST)
    finally:
        await transport.aclose()


class _Counting:
    def __init__(self) -> None:
        self.calls = 0

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        self.calls += 1
        await asyncio.sleep(0.01)
        return SubgraphResponse(data={"n": self.calls})


async def test_identical_in_flight_queries_are_sent_once() -> None:
    inner = _Counting()
    dedup = DedupTransport(inner)
    results = await asyncio.gather(*(dedup.fetch("s", REQUEST) for _ in range(5)))
    assert inner.calls == 1
    assert {r.data["n"] for r in results if r.data} == {1}
    # Settled requests are not cached: the next one goes out again.
    await dedup.fetch("s", REQUEST)
    assert inner.calls == 2


async def test_a_request_waits_one_loop_turn_for_callers_woken_after_it() -> None:
    class AnswersNextTurn(_Counting):
        async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
            self.calls += 1
            await asyncio.sleep(0)  # the answer is read on the next turn of the loop
            return SubgraphResponse(data={"n": self.calls})

    inner = AnswersNextTurn()
    dedup = DedupTransport(inner)

    async def one_turn_later() -> SubgraphResponse:
        await asyncio.sleep(0)
        return await dedup.fetch("s", REQUEST)

    await asyncio.gather(dedup.fetch("s", REQUEST), one_turn_later())
    assert inner.calls == 1


async def test_dedup_never_merges_mutations_or_different_headers() -> None:
    inner = _Counting()
    dedup = DedupTransport(inner)
    mutation = SubgraphRequest(query="mutation{like}")
    other_user = SubgraphRequest(
        query="{echo}", variables={"a": 1}, headers=(("Authorization", "x"),)
    )
    await asyncio.gather(
        dedup.fetch("s", mutation),
        dedup.fetch("s", mutation),
        dedup.fetch("s", REQUEST),
        dedup.fetch("s", other_user),
    )
    assert inner.calls == 4


async def test_callers_sharing_an_answer_get_the_same_answer_uncopied() -> None:
    # The executor never changes an answer (test_entity_fetches checks it), so none is copied.
    class Slow:
        async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
            await asyncio.sleep(0.01)
            return SubgraphResponse(data={"me": {"id": "1"}})

    dedup = DedupTransport(Slow())
    first, second = await asyncio.gather(dedup.fetch("s", REQUEST), dedup.fetch("s", REQUEST))
    assert first is second
    assert first.data == {"me": {"id": "1"}}


def dropping_subgraph() -> RawSubgraph:
    """Keeps connections alive, then closes on the second request on a connection without
    answering: what a subgraph does when it closes an idle keep-alive connection just as
    the router reuses it."""
    served: dict[asyncio.StreamWriter, int] = {}

    async def answer(body: bytes, writer: asyncio.StreamWriter) -> bool:
        served[writer] = served.get(writer, 0) + 1
        if served[writer] == 2:
            return False  # dropped without an answer
        writer.write(json_answer(b'{"data":{"n":1}}'))
        return True

    return RawSubgraph(answer)


async def test_a_query_on_a_connection_the_subgraph_dropped_is_sent_again() -> None:
    subgraph = dropping_subgraph()
    async with subgraph.serving() as url:
        transport = HttpTransport({"s": url}, default_timeout=5)
        try:
            first = await transport.fetch("s", SubgraphRequest(query="{ n }"))
            second = await transport.fetch("s", SubgraphRequest(query="{ n }"))
        finally:
            await transport.aclose()
    assert first.data == second.data == {"n": 1}
    assert len(subgraph.bodies) == 3  # the dropped one, then the same query on a new connection


async def test_a_mutation_on_a_dropped_connection_is_not_sent_again() -> None:
    subgraph = dropping_subgraph()
    async with subgraph.serving() as url:
        transport = HttpTransport({"s": url}, default_timeout=5)
        try:
            await transport.fetch("s", SubgraphRequest(query="{ n }"))
            with pytest.raises(TransportError, match="request failed"):
                await transport.fetch("s", SubgraphRequest(query="mutation { n }"))
        finally:
            await transport.aclose()
    assert len(subgraph.bodies) == 2  # it may have run: never twice
