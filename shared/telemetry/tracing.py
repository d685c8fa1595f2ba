"""OpenTelemetry spans in the services: the GraphQL operation, SQL statements, gRPC calls.

Spans come from the global tracer provider: a no-op until ``beyond``
configures the SDK (``BEYOND_TRACING=on``). Span attributes name the
operation and its type, never the query text, variables or arguments, so
no verification code, password or token reaches a trace.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind, Tracer
from strawberry.extensions import SchemaExtension

from shared.telemetry.graphql import operation_type_of


def tracer() -> Tracer:
    return trace.get_tracer("beyond.services")


class OperationTracing(SchemaExtension):
    """One span per GraphQL operation, a child of the HTTP request's span."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        with tracer().start_as_current_span("graphql operation", kind=SpanKind.INTERNAL) as span:
            yield
            if span.is_recording():
                span.set_attribute("graphql.operation.name", context.operation_name or "")
                span.set_attribute("graphql.operation.type", operation_type_of(context))


def server_span(method: str, metadata: Any) -> AbstractContextManager[Span]:
    """The span of a gRPC call being served, continuing the caller's ``traceparent``."""
    carrier = {str(key): str(value) for key, value in (metadata or ())}
    return tracer().start_as_current_span(
        method, context=propagate.extract(carrier), kind=SpanKind.SERVER
    )


def with_trace_context(metadata: Any) -> tuple[tuple[str, str], ...]:
    """gRPC call metadata plus the current span's ``traceparent``."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return (*tuple(metadata or ()), *carrier.items())
