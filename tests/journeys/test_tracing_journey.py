"""OpenTelemetry through the graph: one trace from the router to the subgraphs, SQL and gRPC."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy.engine import URL

from tests.journeys.test_feed_journey import FOLLOW
from tests.support.graph import Graph, serve_graph

EXPORTER = InMemorySpanExporter()
PASSWORD = "correct1horse"  # what Graph.register signs up with


def _provider() -> TracerProvider:
    """The process's SDK provider (set once), exporting to memory."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    trace.set_tracer_provider(provider)
    return provider


@pytest.fixture(scope="module", autouse=True)
def _stop_recording() -> Iterator[None]:
    """Later tests in this process keep no spans: the provider stays, its exporter stops."""
    yield
    EXPORTER.shutdown()


@pytest.fixture
async def traced(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[Graph]:
    tracer = _provider().get_tracer("tests")
    async with serve_graph(
        tmp_path, domain_urls, redis_prefix, event_workers=False, tracer=tracer
    ) as graph:
        yield graph


def _traceparent(trace_id: int, span_id: int) -> str:
    return f"00-{trace_id:032x}-{span_id:016x}-01"


async def _follow(graph: Graph, token: str, user: str, trace_id: int) -> dict[str, Any]:
    response = await graph.client.post(
        "/graphql",
        json={"query": FOLLOW, "variables": {"id": user}},
        headers={"Authorization": f"Bearer {token}", "traceparent": _traceparent(trace_id, 7)},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


def _trace(trace_id: int) -> list[ReadableSpan]:
    return [s for s in EXPORTER.get_finished_spans() if s.context.trace_id == trace_id]


def _check_parents(spans: list[ReadableSpan], client_span: int) -> None:
    """Every span's parent is in the same trace; the router's request continues the client's."""
    ids = {s.context.span_id for s in spans}
    for span in spans:
        assert span.parent is not None, span.name
        assert span.parent.trace_id == span.context.trace_id
        assert span.parent.span_id in ids or span.parent.span_id == client_span, span.name
    roots = [s for s in spans if s.parent is not None and s.parent.span_id == client_span]
    assert [s.name for s in roots] == ["POST /graphql"]


async def test_one_trace_covers_router_subgraphs_sql_and_grpc(traced: Graph) -> None:
    _, ada_token = await traced.register("Ada")
    bob, _ = await traced.register("Bob")
    EXPORTER.clear()
    trace_id = 0x4BF92F3577B34DA6A3CE929D0E0E4736
    await _follow(traced, ada_token, bob, trace_id)

    spans = _trace(trace_id)
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


async def test_concurrent_operations_keep_their_own_parents(traced: Graph) -> None:
    _, ada_token = await traced.register("Ada")
    _, bob_token = await traced.register("Bob")
    carol, _ = await traced.register("Carol")
    EXPORTER.clear()
    first, second = 0x1111, 0x2222
    await asyncio.gather(
        _follow(traced, ada_token, carol, first), _follow(traced, bob_token, carol, second)
    )
    for trace_id in (first, second):
        spans = _trace(trace_id)
        assert any(s.name == "graphql operation" for s in spans)
        _check_parents(spans, client_span=7)


async def test_no_secret_reaches_a_span(traced: Graph) -> None:
    EXPORTER.clear()
    _, token = await traced.register("Dee")
    for span in EXPORTER.get_finished_spans():
        for value in (span.attributes or {}).values():
            text = str(value)
            assert PASSWORD not in text and token not in text, (span.name, text)
            assert "{" not in text, (span.name, text)  # no operation text at all
