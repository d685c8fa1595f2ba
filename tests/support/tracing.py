"""OpenTelemetry in tests: the process's SDK provider, and spans recorded in memory.

The global provider can be set once per process, so :func:`recording` adds
its own in-memory exporter to it and shuts that exporter down afterwards
(later tests keep no spans; the processor stays, exporting nowhere).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def provider() -> TracerProvider:
    """The global SDK provider, installed by the first call."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    installed = TracerProvider()
    trace.set_tracer_provider(installed)
    return installed


@contextmanager
def recording() -> Iterator[InMemorySpanExporter]:
    """Every span finished inside, kept in memory."""
    exporter = InMemorySpanExporter()
    provider().add_span_processor(SimpleSpanProcessor(exporter))
    try:
        yield exporter
    finally:
        exporter.shutdown()


def spans_of(exporter: InMemorySpanExporter, trace_id: int) -> list[ReadableSpan]:
    return [s for s in exporter.get_finished_spans() if s.context.trace_id == trace_id]


def traceparent(trace_id: int, span_id: int) -> str:
    return f"00-{trace_id:032x}-{span_id:016x}-01"
