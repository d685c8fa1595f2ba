"""Metrics wiring for the commands: instrument a service's app, and serve ``/metrics``.

``/metrics`` is served on its own listener (``BEYOND_METRICS_LISTEN``,
``HOST:PORT``), never on a service's or the router's public port; unset,
nothing is served. It includes every circuit breaker's state
(:mod:`shared.telemetry.resilience`). prometheus-client's own HTTP server runs it in a daemon
thread, so a scrape never waits on the event loop.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace
from opentelemetry.trace import Tracer
from prometheus_client import start_http_server

from beyond.commands import CommandError
from router.telemetry.tracing import TracedRequests
from shared.domain import Runtime
from shared.lifecycle import Worker
from shared.telemetry.instrument import instrument_service
from shared.telemetry.resilience import register_resilience_metrics
from shared.telemetry.sampler import BacklogSampler

METRICS_LISTEN_VARIABLE = "BEYOND_METRICS_LISTEN"
TRACING_VARIABLE = "BEYOND_TRACING"


def parse_listen(value: str, *, what: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"{what} must be HOST:PORT (like 127.0.0.1:9464), not {value!r}")
    return host, int(port)


def serve_metrics(listen: str | None) -> Any:
    """Start serving ``/metrics`` on ``listen``; return the server (``shutdown()`` stops it)."""
    if not listen:
        return None
    host, port = parse_listen(listen, what=METRICS_LISTEN_VARIABLE)
    register_resilience_metrics()
    try:
        server, _thread = start_http_server(port, addr=host)
    except OSError as exc:
        raise CommandError(f"cannot serve metrics on {listen}: {exc.strerror}") from None
    return server


def instrument_runtime(name: str, runtime: Runtime[Any]) -> None:
    """Measure (and, with tracing on, trace) the domain's database and Redis client."""
    instrument_service(name, runtime.database, runtime.redis)


def instrumented(
    name: str, app: FastAPI, runtime: Runtime[Any], tracer: Tracer | None = None
) -> FastAPI:
    """``app`` over ``runtime``, its database and Redis measured, its requests traced."""
    instrument_runtime(name, runtime)
    if tracer is not None:
        app.add_middleware(TracedRequests, tracer=tracer)
    return app


def configure_tracing(service_name: str) -> Tracer | None:
    """With ``BEYOND_TRACING=on``: the OpenTelemetry SDK exporting over OTLP, and a tracer.

    The exporter and the sampler follow the standard variables
    (``OTEL_EXPORTER_OTLP_ENDPOINT``, ``OTEL_TRACES_SAMPLER``,
    ``OTEL_TRACES_SAMPLER_ARG``, ``OTEL_SERVICE_NAME``, …). Off, nothing is
    installed and spans cost nothing.
    """
    switch = os.environ.get(TRACING_VARIABLE, "off").lower()
    if switch in ("", "off", "0", "false"):
        return None
    if switch not in ("on", "1", "true"):
        raise CommandError(f"{TRACING_VARIABLE} must be on or off, not {switch!r}")
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    name = os.environ.get("OTEL_SERVICE_NAME") or f"beyond-{service_name}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return trace.get_tracer("beyond")


def with_sampler(name: str, runtime: Runtime[Any], workers: Sequence[Worker]) -> list[Worker]:
    """``workers`` plus the sampler of their outbox and stream backlog, when they have one."""
    sampler = BacklogSampler.of(name, runtime.database, runtime.redis, workers)
    return [*workers, *([sampler] if sampler else [])]
