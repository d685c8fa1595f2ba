"""Metrics wiring for the commands: instrument a service's app, and serve ``/metrics``.

``/metrics`` is served on its own listener (``BEYOND_METRICS_LISTEN``,
``HOST:PORT``), never on a service's or the router's public port; unset,
nothing is served. prometheus-client's own HTTP server runs it in a daemon
thread, so a scrape never waits on the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from prometheus_client import start_http_server

from beyond.commands import CommandError
from shared.lifecycle import Worker
from shared.telemetry.instrument import instrument_service
from shared.telemetry.sampler import BacklogSampler

METRICS_LISTEN_VARIABLE = "BEYOND_METRICS_LISTEN"


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
    try:
        server, _thread = start_http_server(port, addr=host)
    except OSError as exc:
        raise CommandError(f"cannot serve metrics on {listen}: {exc.strerror}") from None
    return server


def instrumented(name: str, app: FastAPI) -> FastAPI:
    """``app`` with its database and Redis client measured."""
    instrument_service(name, app.state.database, app.state.redis)
    return app


def with_sampler(name: str, app: FastAPI, workers: Sequence[Worker]) -> list[Worker]:
    """``workers`` plus the sampler of their outbox and stream backlog, when they have one."""
    sampler = BacklogSampler.of(name, app.state.database, app.state.redis, workers)
    return [*workers, *([sampler] if sampler else [])]
