"""The router's instructions per request as it serves HTTP: sockets, protocol, loop and pipeline.

``python -m bench.federation.served_instructions [--query small] [--connections 10]
[--requests 2000]`` starts the Node subgraphs, then ``beyond router`` under
valgrind's callgrind twice. Each time a cheap keep-alive client (raw HTTP/1.1
over ``--connections`` connections, each sending its next request once the
last is answered) sends a warm-up, then either ``--base`` or
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
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

from bench.federation.compose import BASE_PORT, SUPERGRAPH
from bench.federation.instructions import callgrind_total
from bench.federation.run import GATEWAY_PORT, NODE, ROOT, WORKLOADS, started, subgraphs_ready


async def _client(port: int, request: bytes, expected: object, count: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if not head.startswith(b"HTTP/1.1 200") or length is None:
                raise SystemExit(f"an unexpected answer: {head[:200]!r}")
            if orjson.loads(await reader.readexactly(int(length.group(1)))) != expected:
                raise SystemExit("a wrong answer")
    finally:
        writer.close()


async def _send(port: int, request: bytes, expected: object, total: int, connections: int) -> None:
    each, extra = divmod(total, connections)
    await asyncio.gather(
        *(
            _client(port, request, expected, each + (1 if i < extra else 0))
            for i in range(connections)
        )
    )


async def _ready(port: int, request: bytes, expected: object, within: float) -> None:
    deadline = time.monotonic() + within
    while True:
        try:
            await _send(port, request, expected, 1, 1)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the router did not answer within {within:.0f} s") from None
            await asyncio.sleep(1)


def counted(query: str, requests: int, connections: int) -> int:
    """The instructions of a router that answered a warm-up, then ``requests`` requests."""
    workload = WORKLOADS[query]
    body = workload.body
    request = (
        b"POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        b"accept: application/json\r\ncontent-length: %d\r\n\r\n" % len(body)
    ) + body
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
            asyncio.run(_ready(GATEWAY_PORT, request, expected, within=300))
            asyncio.run(_send(GATEWAY_PORT, request, expected, connections * 4, connections))
            asyncio.run(_send(GATEWAY_PORT, request, expected, requests, connections))
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
