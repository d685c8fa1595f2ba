"""OpenTelemetry through the graph: one trace from the router to the subgraphs, SQL and gRPC."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy.engine import URL

from tests.journeys.test_feed_journey import FOLLOW
from tests.support.graph import Graph, serve_graph
from tests.support.polling import eventually
from tests.support.tracing import provider, recording, spans_of, traceparent

PASSWORD = "correct1horse"  # what Graph.register signs up with


@pytest.fixture(scope="module", autouse=True)
def exporter() -> Iterator[InMemorySpanExporter]:
    with recording() as recorded:
        yield recorded


async def _traced_graph(
    tmp_path: Path, urls: dict[str, URL], prefix: str, *, event_workers: bool
) -> AsyncIterator[Graph]:
    tracer = provider().get_tracer("tests")
    async with serve_graph(
        tmp_path, urls, prefix, event_workers=event_workers, tracer=tracer
    ) as graph:
        yield graph


@pytest.fixture
async def traced(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[Graph]:
    async for graph in _traced_graph(tmp_path, domain_urls, redis_prefix, event_workers=False):
        yield graph


@pytest.fixture
async def traced_with_workers(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[Graph]:
    async for graph in _traced_graph(tmp_path, domain_urls, redis_prefix, event_workers=True):
        yield graph


async def _follow(graph: Graph, token: str, user: str, trace_id: int) -> dict[str, Any]:
    response = await graph.client.post(
        "/graphql",
        json={"query": FOLLOW, "variables": {"id": user}},
        headers={"Authorization": f"Bearer {token}", "traceparent": traceparent(trace_id, 7)},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def _ada_follows_bob(graph: Graph, exporter: InMemorySpanExporter, trace_id: int) -> None:
    """Ada and Bob sign up; only Ada's follow of Bob is recorded, in the trace ``trace_id``."""
    _, ada_token = await graph.register("Ada")
    bob, _ = await graph.register("Bob")
    exporter.clear()
    await _follow(graph, ada_token, bob, trace_id)


def _parents_finished(spans: list[ReadableSpan], client_span: int) -> bool:
    """Whether every span's parent has finished too (a span is exported when it ends, so a
    child of a span still running, another consumer's say, arrives before its parent)."""
    ids = {s.context.span_id for s in spans} | {client_span}
    return all(s.parent is None or s.parent.span_id in ids for s in spans)


def _check_parents(spans: list[ReadableSpan], client_span: int) -> None:
    """Every span's parent is in the same trace; the router's request continues the client's."""
    ids = {s.context.span_id for s in spans}
    for span in spans:
        assert span.parent is not None, span.name
        assert span.parent.trace_id == span.context.trace_id
        assert span.parent.span_id in ids or span.parent.span_id == client_span, span.name
    roots = [s for s in spans if s.parent is not None and s.parent.span_id == client_span]
    assert [s.name for s in roots] == ["POST /graphql"]


async def test_one_trace_covers_router_subgraphs_sql_and_grpc(
    traced: Graph, exporter: InMemorySpanExporter
) -> None:
    trace_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736
    await _ada_follows_bob(traced, exporter, trace_id)

    spans = spans_of(exporter, trace_id)
    _check_parents(spans, client_span=7)
    names = [s.name for s in spans]
    by_id = {s.context.span_id: s for s in spans}
    # The router: the request, a plan (first time this operation is seen) and its fetches.
    assert "plan" in names
    fetches = [s for s in spans if s.name.startswith("fetch ")]
    assert {s.name for s in fetches} >= {"fetch social", "fetch accounts"}
    # Each subgraph's request continues its fetch's span (traceparent out and in).
    served = [s for s in spans if s.name == "POST /graphql" and s.parent.span_id != 7]
    assert {by_id[s.parent.span_id].name for s in served} >= {"fetch social", "fetch accounts"}
    operations = [s for s in spans if s.name == "graphql operation"]
    assert {by_id[s.parent.span_id].name for s in operations} == {"POST /graphql"}
    # Social's follow checks the user over gRPC and writes with SQL, inside its operation.
    grpc_calls = [s for s in spans if s.name.startswith("/") and "Users" in s.name]
    clients = [s for s in grpc_calls if s.kind is SpanKind.CLIENT]
    servers = [s for s in grpc_calls if s.kind is SpanKind.SERVER]
    assert clients and servers, names
    # Accounts serves the call in the same trace, under social's client span.
    assert {s.parent.span_id for s in servers} <= {s.context.span_id for s in clients}
    sql = [s for s in spans if s.name.startswith("SQL ")]
    social_sql = [s for s in sql if s.attributes["beyond.service"] == "social"]
    assert any(s.name == "SQL INSERT" for s in social_sql), [s.name for s in sql]


async def test_concurrent_operations_keep_their_own_parents(
    traced: Graph, exporter: InMemorySpanExporter
) -> None:
    _, ada_token = await traced.register("Ada")
    _, bob_token = await traced.register("Bob")
    carol, _ = await traced.register("Carol")
    exporter.clear()
    first, second = 0x1111, 0x2222
    await asyncio.gather(
        _follow(traced, ada_token, carol, first), _follow(traced, bob_token, carol, second)
    )
    for trace_id in (first, second):
        spans = spans_of(exporter, trace_id)
        assert any(s.name == "graphql operation" for s in spans)
        _check_parents(spans, client_span=7)


async def test_no_secret_reaches_a_span(traced: Graph, exporter: InMemorySpanExporter) -> None:
    exporter.clear()
    _, token = await traced.register("Dee")
    for span in exporter.get_finished_spans():
        for value in (span.attributes or {}).values():
            text = str(value)
            assert PASSWORD not in text and token not in text, (span.name, text)
            assert "{" not in text, (span.name, text)  # no operation text at all
    # Accounts keeps the code in Redis: its commands are traced by name alone.
    redis = [s for s in exporter.get_finished_spans() if s.name.startswith("redis ")]
    assert redis and all(set(s.attributes) == {"db.system", "beyond.service"} for s in redis)


async def test_an_event_continues_the_trace_into_its_consumer(
    traced_with_workers: Graph, exporter: InMemorySpanExporter
) -> None:
    trace_id = 0x5CE0
    await _ada_follows_bob(traced_with_workers, exporter, trace_id)

    def consumed() -> list[ReadableSpan]:
        # Other domains hear the follow too (notifications); follow the feed's consumer.
        return [
            s
            for s in spans_of(exporter, trace_id)
            if s.name == "consume UserFollowed"
            and s.attributes["messaging.consumer.group.name"] == "articles.feed-follows"
        ]

    await eventually(lambda: bool(consumed()))
    # Other consumers of the event may still be working inside the trace: wait for their spans.
    await eventually(lambda: _parents_finished(spans_of(exporter, trace_id), client_span=7))
    (consume,) = consumed()
    spans = spans_of(exporter, trace_id)
    by_id = {s.context.span_id: s for s in spans}
    assert consume.kind is SpanKind.CONSUMER
    # Its parent is social's operation that recorded the event, in the same trace.
    assert by_id[consume.parent.span_id].name == "graphql operation"
    _check_parents(spans, client_span=7)
    # The feed's work on it, in articles' database and Redis, is inside the consume span.
    inside = [
        s for s in spans if s.parent is not None and s.parent.span_id == consume.context.span_id
    ]
    assert {s.attributes["beyond.service"] for s in inside} == {"articles"}
    assert any(s.name.startswith("redis ") for s in inside), [s.name for s in inside]
    assert any(s.name.startswith("SQL ") for s in inside), [s.name for s in inside]
