"""An event's trace context: taken where it is recorded, continued where it is consumed.

``record_event`` stores the current span's context (the W3C ``traceparent``
and ``tracestate``, through the global propagator) in the outbox row; the
relay copies those fields into the stream entry beside the event's own; the
consumer handles the event in a ``consume <type>`` span whose parent is that
context, so one trace runs from the request that caused an event to the
work done on it in another service. Without tracing configured the context
is empty, nothing is stored and the spans are no-ops.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import AbstractContextManager

from opentelemetry import propagate, trace
from opentelemetry.trace import Span, SpanKind


def current_trace_context() -> str | None:
    """The current span's propagation fields as JSON, or None outside a trace."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return json.dumps(carrier, separators=(",", ":")) if carrier else None


def trace_fields(stored: str | None) -> dict[str, str]:
    """The stream entry fields carrying a stored trace context (none when there is none)."""
    if not stored:
        return {}
    fields = json.loads(stored)
    return {str(key): str(value) for key, value in fields.items()}


def consuming(
    event_type: str, fields: Mapping[str, str], *, stream: str, group: str
) -> AbstractContextManager[Span]:
    """The span of one event being handled, continuing the trace the entry carries."""
    return trace.get_tracer("beyond.events").start_as_current_span(
        f"consume {event_type}",
        context=propagate.extract(dict(fields)),
        kind=SpanKind.CONSUMER,
        attributes={
            "messaging.system": "redis",
            "messaging.destination.name": stream,
            "messaging.consumer.group.name": group,
        },
    )
