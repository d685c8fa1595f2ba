"""The router's instructions per request as it serves HTTP: sockets, protocol, loop and pipeline.

``python -m bench.federation.served_instructions [--query small] [--connections 10]
[--requests 2000]`` starts the Node subgraphs, then ``beyond router`` under
valgrind's callgrind twice. Each time, ``--connections`` keep-alive
connections, each sending its next request once the last is answered
(framed and read as :mod:`bench.federation.raw_load` does), send a
warm-up, then either ``--base`` or
``--base + --requests`` requests; every answer is checked against
``expected-<query>.json``. The difference of the two counts over
``--requests`` is the router's instructions per request, startup and
planning left out.

Unlike CPU time, the count does not move with whatever else the machine
runs, so it compares two trees of the router on a loaded machine; it
leaves out the kernel's work (the syscalls), which every server pays.
:mod:`bench.federation.instructions` counts the pipeline alone, in process.
Under callgrind the router runs about fifty times slower, so concurrent
requests pile up and share subgraph fetches (in-flight deduplication) more
than at full speed.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import orjson

from bench.federation.compose import BASE_PORT, SUPERGRAPH
from bench.federation.instructions import callgrind_total
from bench.federation.raw_load import post_request, read_response
from bench.federation.run import GATEWAY_PORT, NODE, ROOT, WORKLOADS, started, subgraphs_ready


async def _client(url: str, request: bytes, expected: object, count: int) -> None:
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        for _ in range(count):
            writer.write(request)
            status, payload, keep_alive = await read_response(reader)
            if status != 200 or not keep_alive:
                raise SystemExit(f"an unexpected answer: {status}, {payload[:200]!r}")
            if orjson.loads(payload) != expected:
                raise SystemExit("a wrong answer")
    finally:
        writer.close()


async def _send(url: str, request: bytes, expected: object, total: int, connections: int) -> None:
    each, extra = divmod(total, connections)
    await asyncio.gather(
        *(
            _client(url, request, expected, each + (1 if i < extra else 0))
            for i in range(connections)
        )
    )


async def _ready(url: str, request: bytes, expected: object, within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            await _send(url, request, expected, 1, 1)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the router did not answer within {within:.0f} s") from None
            await asyncio.sleep(1)


def counted(query: str, requests: int, connections: int) -> int:
    """The instructions of a router that answered a warm-up, then ``requests`` requests."""
    workload = WORKLOADS[query]
    url = f"http://127.0.0.1:{GATEWAY_PORT}/graphql"
    request = post_request(url, workload.body)
    expected = orjson.loads(workload.expected.read_bytes())
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, "-m", "beyond.cli", "router",
            "--supergraph", str(SUPERGRAPH), "--listen", f"127.0.0.1:{GATEWAY_PORT}",
        ]  # fmt: skip
        router = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            asyncio.run(_ready(url, request, expected, within=300))
            asyncio.run(_send(url, request, expected, connections * 4, connections))
            asyncio.run(_send(url, request, expected, requests, connections))
        finally:
            router.send_signal(signal.SIGINT)
            router.wait()
        return callgrind_total(out)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.federation.served_instructions")
    parser.add_argument("--query", choices=tuple(WORKLOADS), default="small")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--base", type=int, default=400)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    if args.connections < 1 or args.base < args.connections or args.requests < 1:
        parser.error("--connections must be at least 1, --base at least --connections")
    with started(["node", str(NODE / "subgraphs.mjs"), str(BASE_PORT)]):
        asyncio.run(subgraphs_ready(within=30))
        base = counted(args.query, args.base, args.connections)
        more = counted(args.query, args.base + args.requests, args.connections)
    print(
        f"{args.query}: {(more - base) / args.requests:,.0f} instructions per request "
        f"({args.requests} requests over {args.connections} connections)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
