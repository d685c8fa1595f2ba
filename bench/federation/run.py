"""The federation gateway benchmark: our router, Apollo Gateway and Hive Gateway on one workload.

``python -m bench.federation`` starts the four Node subgraphs once, then for
each gateway in turn: starts it on 127.0.0.1, checks its answer against
``expected.json``, warms up, drives ``--concurrency`` clients for
``--duration`` seconds with one aiohttp load generator (the same for every
gateway), and reads from /proc and the subgraphs' counters what the run cost.
Every answer is compared with the expected one; a wrong answer counts as an
error. Prints a table and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson

from bench.federation.compose import BASE_PORT, SUBGRAPHS, SUPERGRAPH
from bench.federation.procs import usage
from bench.federation.registry import subgraphs_in_etcd

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
NODE = ROOT / "bench" / "node"
QUERY = (HERE / "query.graphql").read_text(encoding="utf-8")
EXPECTED = HERE / "expected.json"
GATEWAY_PORT = 4300
GATEWAYS = ("beyond", "apollo", "hive")
# Our router with instrumentation on (README "Operations"), for measuring its cost; not run
# by default. Traces go to OTLP_SINK, which answers every export with 200 and keeps nothing.
OTLP_SINK_PORT = GATEWAY_PORT + 2
TRACING = {
    "BEYOND_TRACING": "on",
    "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{OTLP_SINK_PORT}",
    "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
}
VARIANT_ENV = {
    "beyond-metrics": {},
    "beyond-trace-1": {**TRACING, "OTEL_TRACES_SAMPLER_ARG": "0.01"},
    "beyond-trace-100": {**TRACING, "OTEL_TRACES_SAMPLER_ARG": "1.0"},
}
# The breaker and p2c A/B (README "Registry and resilience"): our router with its breakers
# taken out, as is, and with every subgraph's URL from etcd, balanced by p2c.
RESILIENCE_VARIANTS = ("beyond-bare", "beyond-p2c")
VARIANTS = (*VARIANT_ENV, *RESILIENCE_VARIANTS)
P2C_CONFIG = Path(tempfile.gettempdir()) / "beyond-bench-p2c.toml"


@dataclass
class Figures:
    gateway: str
    requests: int
    errors: int
    duration_s: float
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_s_per_request_ms: float
    requests_per_cpu_s: float
    subgraph_requests_per_op: float
    subgraph_requests_alone: float
    peak_rss_mb: float


def gateway_command(name: str, port: int) -> list[str]:
    if name == "beyond-bare":
        return [sys.executable, "-m", "bench.federation.bare_router", *_router_args(port)]
    if name == "beyond-p2c":
        return [*gateway_command("beyond", port), "--config", str(P2C_CONFIG)]
    if name == "beyond-metrics":
        return [*gateway_command("beyond", port), "--metrics-listen", f"127.0.0.1:{port + 1}"]
    if name in VARIANT_ENV:
        return gateway_command("beyond", port)
    if name == "beyond":
        return [sys.executable, "-m", "beyond.cli", "router", *_router_args(port)]
    if name == "apollo":
        return ["node", str(NODE / "apollo_gateway.mjs"), str(SUPERGRAPH), str(port)]
    if name == "hive":
        return [
            str(NODE / "node_modules" / ".bin" / "hive-gateway"),
            "supergraph",
            str(SUPERGRAPH),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--fork",
            "1",
        ]
    raise ValueError(name)


def _router_args(port: int) -> list[str]:
    return ["--supergraph", str(SUPERGRAPH), "--listen", f"127.0.0.1:{port}"]


class _Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextlib.contextmanager
def otlp_sink(port: int) -> Iterator[None]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def started(
    command: list[str], *, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    try:
        yield process
    finally:
        if process.stdin is not None:
            process.stdin.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def subgraph_requests(session: aiohttp.ClientSession) -> int:
    total = 0
    for i in range(len(SUBGRAPHS)):
        async with session.get(f"http://127.0.0.1:{BASE_PORT + i}/count") as response:
            total += (await response.json())["requests"]
    return total


async def subgraphs_ready(within: float) -> None:
    """Wait for the Node subgraphs (slow to start on a busy or pinned core)."""
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                await subgraph_requests(session)
                return
            except aiohttp.ClientError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)


async def wait_ready(session: aiohttp.ClientSession, url: str, body: bytes, within: float) -> Any:
    deadline = time.monotonic() + within
    while True:
        try:
            async with session.post(url, data=body, headers=_HEADERS) as response:
                if response.status == 200:
                    return orjson.loads(await response.read())
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {within:g}s")
        await asyncio.sleep(0.2)


_HEADERS = {"content-type": "application/json", "accept": "application/json"}


async def load(
    url: str, body: bytes, expected: Any, *, concurrency: int, duration: float
) -> tuple[list[float], int, float]:
    """Drive ``concurrency`` clients for ``duration`` s: latencies (s), errors, elapsed (s)."""
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        deadline = start + duration

        async def client() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=_HEADERS) as response:
                        answer = await response.read()
                        ok = response.status == 200 and orjson.loads(answer) == expected
                except aiohttp.ClientError:
                    ok = False
                latencies.append(time.perf_counter() - sent)
                if not ok:
                    errors += 1

        await asyncio.gather(*(client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


async def bench_gateway(name: str, args: argparse.Namespace) -> Figures:
    url = f"http://127.0.0.1:{GATEWAY_PORT}/graphql"
    body = orjson.dumps({"query": QUERY, "operationName": "TestQuery"})
    env = {"NODE_ENV": "production", **VARIANT_ENV.get(name, {})}
    with started(gateway_command(name, GATEWAY_PORT), env=env) as process:
        async with aiohttp.ClientSession() as session:
            answer = await wait_ready(session, url, body, within=60)
            if args.write_expected:  # the first gateway's answer; the others must agree
                EXPECTED.write_bytes(orjson.dumps(answer, option=orjson.OPT_INDENT_2) + b"\n")
                args.write_expected = False
            expected = orjson.loads(EXPECTED.read_bytes())
            if answer != expected:
                raise RuntimeError(f"{name} answers differently from {EXPECTED.name}")
            # One operation on its own: the plan's fetches, with no in-flight sharing possible.
            alone_before = await subgraph_requests(session)
            await wait_ready(session, url, body, within=10)
            alone = await subgraph_requests(session) - alone_before
            await load(url, body, expected, concurrency=args.concurrency, duration=args.warmup)
            before_count = await subgraph_requests(session)
            before = usage(process.pid)
            latencies, errors, elapsed = await load(
                url, body, expected, concurrency=args.concurrency, duration=args.duration
            )
            after = usage(process.pid)
            after_count = await subgraph_requests(session)
    latencies.sort()
    count = len(latencies)
    cpu = after.cpu_seconds - before.cpu_seconds
    return Figures(
        gateway=name,
        requests=count,
        errors=errors,
        duration_s=round(elapsed, 2),
        requests_per_s=round(count / elapsed, 1),
        p50_ms=round(_percentile(latencies, 0.50) * 1000, 1),
        p95_ms=round(_percentile(latencies, 0.95) * 1000, 1),
        p99_ms=round(_percentile(latencies, 0.99) * 1000, 1),
        cpu_s_per_request_ms=round(cpu / count * 1000, 2) if count else float("nan"),
        requests_per_cpu_s=round(count / cpu, 1) if cpu else float("nan"),
        subgraph_requests_per_op=round((after_count - before_count) / count, 2),
        subgraph_requests_alone=alone,
        peak_rss_mb=round(after.peak_rss_mb, 1),
    )


def print_table(rows: list[Figures]) -> None:
    header = (
        "gateway",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "CPU ms/req",
        "req/CPU-s",
        "subgraph req/op",
        "alone",
        "peak RSS MB",
        "errors",
    )
    lines = [header] + [
        (
            r.gateway,
            f"{r.requests_per_s:.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p95_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{r.cpu_s_per_request_ms:.2f}",
            f"{r.requests_per_cpu_s:.0f}",
            f"{r.subgraph_requests_per_op:.2f}",
            f"{r.subgraph_requests_alone:.0f}",
            f"{r.peak_rss_mb:.0f}",
            str(r.errors),
        )
        for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))


def median_figures(name: str, runs: list[Figures]) -> Figures:
    numeric = {
        key: statistics.median(getattr(r, key) for r in runs)
        for key, value in asdict(runs[0]).items()
        if key != "gateway"
    }
    return Figures(gateway=name, **numeric)


async def main_async(args: argparse.Namespace) -> int:
    runs: dict[str, list[Figures]] = {name: [] for name in args.gateways}
    subgraphs = ["node", str(NODE / "subgraphs.mjs"), str(BASE_PORT)]
    with started(subgraphs), otlp_sink(OTLP_SINK_PORT):
        await subgraphs_ready(within=60)
        async with contextlib.AsyncExitStack() as stack:
            if "beyond-p2c" in args.gateways:
                urls = {
                    name: f"http://127.0.0.1:{BASE_PORT + i}/graphql"
                    for i, name in enumerate(SUBGRAPHS)
                }
                await stack.enter_async_context(subgraphs_in_etcd(urls, P2C_CONFIG))
            for round_ in range(args.repeat):
                for name in args.gateways:
                    figures = await bench_gateway(name, args)
                    runs[name].append(figures)
                    print(f"round {round_ + 1}: {name}: {figures}", file=sys.stderr)
    medians = [median_figures(name, runs[name]) for name in args.gateways]
    print_table(medians)
    result = {
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "repeat": args.repeat,
        "answer_bytes": len(orjson.dumps(orjson.loads(EXPECTED.read_bytes()))),
        "medians": [asdict(f) for f in medians],
        "runs": {name: [asdict(f) for f in figures] for name, figures in runs.items()},
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.federation", description=__doc__)
    parser.add_argument(
        "--gateways", nargs="+", choices=GATEWAYS + VARIANTS, default=list(GATEWAYS)
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds first")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over all gateways")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--write-expected", action="store_true", help="store the first answer as expected.json"
    )
    return asyncio.run(main_async(parser.parse_args(argv)))
