"""The switches as an operator uses them: ``BEYOND_TRACING`` and ``BEYOND_METRICS_LISTEN``."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from beyond.commands import CommandError
from beyond.telemetry import configure_tracing, serve_metrics
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]


RECEIVED: list[tuple[str, int]] = []


class _Sink(http.server.BaseHTTPRequestHandler):
    """An OTLP/HTTP endpoint that records each export's path and size."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        RECEIVED.append((self.path, length))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def sink() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    RECEIVED.clear()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_tracing_is_off_unless_switched_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BEYOND_TRACING", raising=False)
    assert configure_tracing("router") is None
    monkeypatch.setenv("BEYOND_TRACING", "off")
    assert configure_tracing("router") is None
    monkeypatch.setenv("BEYOND_TRACING", "sometimes")
    with pytest.raises(CommandError, match="BEYOND_TRACING must be on or off"):
        configure_tracing("router")


def test_a_malformed_metrics_listener_is_refused() -> None:
    assert serve_metrics(None) is None
    with pytest.raises(CommandError, match="HOST:PORT"):
        serve_metrics("9464")


def test_the_router_exports_traces_over_otlp_and_serves_metrics(sink: int) -> None:
    port, metrics = free_port(), free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BEYOND_", "OTEL_"))}
    env = {
        **clean,
        "BEYOND_TRACING": "on",
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{sink}",
        "OTEL_BSP_SCHEDULE_DELAY": "50",
        "BEYOND_METRICS_LISTEN": f"127.0.0.1:{metrics}",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "beyond.cli",
            "router",
            "--supergraph",
            "schema/supergraph.graphql",
            "--listen",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{ __typename }"})
                break
            except httpx.ConnectError:
                assert process.poll() is None, "the router stopped"
                assert time.monotonic() < deadline, "the router did not start"
                time.sleep(0.2)
        while not any(path == "/v1/traces" for path, _ in RECEIVED):
            assert time.monotonic() < deadline, "no trace was exported"
            time.sleep(0.1)
        scraped = httpx.get(f"http://127.0.0.1:{metrics}/metrics").text
        assert 'beyond_router_requests_total{operation_name="",operation_type="query"' in scraped
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=30)
