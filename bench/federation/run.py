"""The federation gateway benchmark: our router and its peers on the same workloads, in one run.

``python -m bench.federation`` starts the four Node subgraphs once, then for
each round, query and gateway in turn (the gateway order alternates between
rounds): starts the gateway on 127.0.0.1, checks its answer against the
query's expected answer, warms up, drives ``--concurrency`` clients for
``--duration`` seconds with one load generator (the same for every gateway:
raw HTTP/1.1 keep-alive clients, :mod:`bench.federation.raw_load`, or
aiohttp's with ``--client aiohttp``), and reads from /proc and the subgraphs' counters what the run cost.
Every answer is compared with the expected one; a wrong answer counts as an
error. Prints a table per query (each figure the median of its rounds), our
requests per CPU-second over each peer's from those medians and round by
round, and writes the figures as JSON.

Peers: Apollo Gateway, Hive Gateway, and Hive Gateway with Hive Router's Rust
query planner (``hive-rust``: the same ``hive-gateway`` command with
``@graphql-hive/router-runtime``'s ``unifiedGraphHandler``). Variants of our
router: with metrics or tracing on, without breakers, balanced over etcd,
its execution hot path as Python where the install compiled it (``beyond-pure``),
and ``beyond-cache`` (its entity cache on, warm: :mod:`bench.federation.cache`).

Pinning (``--gateway-cpus``, default the last CPU): the gateway runs alone
on its CPUs; the load generator and the subgraphs are moved to the others,
so the gateway's CPU time is not inflated by sharing a core with them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
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

from bench.federation.cache import entity_cache_config
from bench.federation.compose import BASE_PORT, SUBGRAPHS, SUPERGRAPH
from bench.federation.procs import usage
from bench.federation.raw_load import raw_load
from bench.federation.registry import subgraphs_in_etcd

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
NODE = ROOT / "bench" / "node"
GATEWAY_PORT = 4300
GATEWAYS = ("beyond", "apollo", "hive", "hive-rust")
DEFAULT_GATEWAYS = ("beyond", "hive", "hive-rust")


@dataclass(frozen=True)
class Workload:
    """A query and its expected answer: ``heavy`` (4 subgraphs, 87 KB) or ``small`` (1 subgraph)."""

    name: str
    query: str
    operation: str
    expected: Path

    @property
    def body(self) -> bytes:
        return orjson.dumps({"query": self.query, "operationName": self.operation})


def _workload(name: str, operation: str) -> Workload:
    query = (HERE / f"{name}.graphql").read_text(encoding="utf-8")
    return Workload(name, query, operation, HERE / f"expected-{name}.json")


WORKLOADS = {w.name: w for w in (_workload("heavy", "TestQuery"), _workload("small", "SmallQuery"))}
HEAVY = WORKLOADS["heavy"]
QUERY = HEAVY.query
EXPECTED = HEAVY.expected
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
    # The execution hot path as Python even where the install compiled it (router.execution.native).
    "beyond-pure": {"BEYOND_PURE_PYTHON": "1"},
}
# The breaker and p2c A/B (README "Registry and resilience"): our router with its breakers
# taken out, as is, and with every subgraph's URL from etcd, balanced by p2c.
RESILIENCE_VARIANTS = ("beyond-bare", "beyond-p2c")
# Our router answering from its entity cache, warm (README "Router benchmarks").
CACHE_VARIANT = "beyond-cache"
VARIANTS = (*VARIANT_ENV, *RESILIENCE_VARIANTS, CACHE_VARIANT)
P2C_CONFIG = Path(tempfile.gettempdir()) / "beyond-bench-p2c.toml"
CACHE_CONFIG = Path(tempfile.gettempdir()) / "beyond-bench-cache.toml"


@dataclass
class Figures:
    gateway: str
    query: str
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
    if name == CACHE_VARIANT:
        return [*gateway_command("beyond", port), "--config", str(CACHE_CONFIG)]
    if name == "beyond-metrics":
        return [*gateway_command("beyond", port), "--metrics-listen", f"127.0.0.1:{port + 1}"]
    if name in VARIANT_ENV:
        return gateway_command("beyond", port)
    if name == "beyond":
        return [sys.executable, "-m", "beyond.cli", "router", *_router_args(port)]
    if name == "apollo":
        return ["node", str(NODE / "apollo_gateway.mjs"), str(SUPERGRAPH), str(port)]
    if name == "hive-rust":
        hive = gateway_command("hive", port)
        return [hive[0], "--config-path", str(NODE / "hive_router_runtime.config.mjs"), *hive[1:]]
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
    command: list[str], *, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` running until the block ends; its output goes to ``log`` if given."""
    with contextlib.ExitStack() as files:
        output = files.enter_context(log.open("ab")) if log is not None else subprocess.DEVNULL
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=output,
            stderr=output,
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
    url: str,
    body: bytes,
    expected: Any,
    *,
    concurrency: int,
    duration: float,
    client: str = "aiohttp",
) -> tuple[list[float], int, float]:
    """Drive ``concurrency`` clients for ``duration`` s: latencies (s), errors, elapsed (s).

    ``client`` is ``aiohttp`` or ``raw`` (:mod:`bench.federation.raw_load`).
    """
    if client == "raw":
        return await raw_load(url, body, expected, concurrency=concurrency, duration=duration)
    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        deadline = start + duration

        async def one() -> None:
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

        await asyncio.gather(*(one() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def _percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def pinned(command: list[str], cpus: set[int]) -> list[str]:
    """``command`` run on ``cpus`` only (``taskset``); unchanged when pinning is off."""
    if not cpus:
        return command
    return ["taskset", "-c", ",".join(str(c) for c in sorted(cpus)), *command]


async def bench_gateway(name: str, workload: Workload, args: argparse.Namespace) -> Figures:
    url = f"http://127.0.0.1:{GATEWAY_PORT}/graphql"
    body = workload.body
    env = {"NODE_ENV": "production", **VARIANT_ENV.get(name, {})}
    command = pinned(gateway_command(name, GATEWAY_PORT), args.gateway_cpus)
    with started(command, env=env) as process:
        async with aiohttp.ClientSession() as session:
            answer = await wait_ready(session, url, body, within=60)
            if workload.name in args.write_expected:  # the first answer; the others must agree
                workload.expected.write_bytes(
                    orjson.dumps(answer, option=orjson.OPT_INDENT_2) + b"\n"
                )
                args.write_expected.discard(workload.name)
            expected = orjson.loads(workload.expected.read_bytes())
            if answer != expected:
                raise RuntimeError(f"{name} answers differently from {workload.expected.name}")
            # One operation on its own: the plan's fetches, with no in-flight sharing possible.
            alone_before = await subgraph_requests(session)
            await wait_ready(session, url, body, within=10)
            alone = await subgraph_requests(session) - alone_before
            driven = functools.partial(
                load, url, body, expected, concurrency=args.concurrency, client=args.client
            )
            await driven(duration=args.warmup)
            before_count = await subgraph_requests(session)
            before = usage(process.pid)
            latencies, errors, elapsed = await driven(duration=args.duration)
            after = usage(process.pid)
            after_count = await subgraph_requests(session)
    latencies.sort()
    count = len(latencies)
    cpu = after.cpu_seconds - before.cpu_seconds
    return Figures(
        gateway=name,
        query=workload.name,
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
        "query",
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
            r.query,
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


def median_figures(runs: list[Figures]) -> Figures:
    numeric = {
        key: statistics.median(getattr(r, key) for r in runs)
        for key in asdict(runs[0])
        if key not in ("gateway", "query")
    }
    return Figures(gateway=runs[0].gateway, query=runs[0].query, **numeric)


def ratios(medians: list[Figures], base: str) -> dict[str, dict[str, float]]:
    """Our requests per CPU-second over each peer's, per query, from each gateway's median."""
    each = round_ratios({(f.query, f.gateway): [f] for f in medians}, base)
    return {
        query: {peer: found[0] for peer, found in against.items() if found}
        for query, against in each.items()
    }


def round_ratios(
    runs: dict[tuple[str, str], list[Figures]], base: str
) -> dict[str, dict[str, list[float]]]:
    """Our requests per CPU-second over each peer's, round by round. A round runs every gateway back to back, so a change of
    the machine's speed between rounds (up to 1.8x on a shared virtual machine) moves both
    figures of a round alike, where it can land each gateway's median in a different round."""
    return {
        query: {
            peer: [
                round(ours.requests_per_cpu_s / theirs.requests_per_cpu_s, 2)
                for ours, theirs in zip(runs[(query, base)], figures, strict=True)
                if theirs.requests_per_cpu_s
            ]
            for (q, peer), figures in runs.items()
            if q == query and peer != base
        }
        for query, gateway in runs
        if gateway == base
    }


def place_harness(gateway_cpus: set[int]) -> dict[str, int | list[int]]:
    """Move this process (the load generator, and the subgraphs it starts) off the gateway's CPUs."""
    everything = os.sched_getaffinity(0)
    rest = everything - gateway_cpus
    if gateway_cpus and rest:
        os.sched_setaffinity(0, rest)
    return {
        "cpus": len(everything),
        "gateway_cpus": sorted(gateway_cpus),
        "harness_cpus": sorted(rest),
    }


async def main_async(args: argparse.Namespace) -> int:
    placement = place_harness(args.gateway_cpus)
    workloads = [WORKLOADS[name] for name in args.queries]
    runs: dict[tuple[str, str], list[Figures]] = {
        (w.name, name): [] for w in workloads for name in args.gateways
    }
    subgraphs = ["node", str(NODE / "subgraphs.mjs"), str(BASE_PORT)]
    load_before = os.getloadavg()
    with started(subgraphs), otlp_sink(OTLP_SINK_PORT):
        await subgraphs_ready(within=60)
        async with contextlib.AsyncExitStack() as stack:
            if "beyond-p2c" in args.gateways:
                urls = {
                    name: f"http://127.0.0.1:{BASE_PORT + i}/graphql"
                    for i, name in enumerate(SUBGRAPHS)
                }
                await stack.enter_async_context(subgraphs_in_etcd(urls, P2C_CONFIG))
            if CACHE_VARIANT in args.gateways:
                stack.enter_context(entity_cache_config(CACHE_CONFIG))
            for round_ in range(args.repeat):
                order = args.gateways if round_ % 2 == 0 else args.gateways[::-1]
                for workload in workloads:
                    for name in order:
                        figures = await bench_gateway(name, workload, args)
                        runs[(workload.name, name)].append(figures)
                        print(f"round {round_ + 1}: {figures}", file=sys.stderr)
    medians = [median_figures(figures) for figures in runs.values()]
    print_table(medians)
    per_cpu = ratios(medians, "beyond") if "beyond" in args.gateways else {}
    by_round = round_ratios(runs, "beyond") if "beyond" in args.gateways else {}
    for query, against in per_cpu.items():
        print(f"{query}: beyond per CPU-second over " + ", ".join(
            f"{peer} {ratio:.2f}x (rounds {', '.join(f'{r:.2f}' for r in by_round[query][peer])})"
            for peer, ratio in against.items()
        ))  # fmt: skip
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "placement": placement,
        "concurrency": args.concurrency,
        "duration_s": args.duration,
        "warmup_s": args.warmup,
        "repeat": args.repeat,
        "answer_bytes": {
            w.name: len(orjson.dumps(orjson.loads(w.expected.read_bytes()))) for w in workloads
        },
        "medians": [asdict(f) for f in medians],
        "beyond_per_cpu_over": per_cpu,
        "beyond_per_cpu_over_by_round": by_round,
        "runs": {
            f"{query}/{name}": [asdict(f) for f in figures]
            for (query, name), figures in runs.items()
        },
    }
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.federation", description=__doc__)
    parser.add_argument(
        "--gateways", nargs="+", choices=GATEWAYS + VARIANTS, default=list(DEFAULT_GATEWAYS)
    )
    parser.add_argument("--queries", nargs="+", choices=tuple(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument(
        "--gateway-cpus",
        type=_cpus,
        default={max(os.sched_getaffinity(0))},
        help="CPUs the gateway runs on alone, e.g. 1 or 2,3; 'none' to not pin",
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--client",
        choices=("raw", "aiohttp"),
        default="raw",
        help="the load generator: raw HTTP/1.1 (cheap enough to keep a fast gateway busy) "
        "or aiohttp (the figures before 2026-12-07)",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured seconds first")
    parser.add_argument("--repeat", type=int, default=1, help="rounds over all gateways")
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--write-expected",
        nargs="*",
        choices=tuple(WORKLOADS),
        default=[],
        help="store the first answer to these queries as their expected answer",
    )
    args = parser.parse_args(argv)
    args.write_expected = set(args.write_expected)
    return asyncio.run(main_async(args))


def _cpus(text: str) -> set[int]:
    return set() if text == "none" else {int(cpu) for cpu in text.split(",")}
