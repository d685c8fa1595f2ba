"""Profile our router under the benchmark load with py-spy (``pip install py-spy``; not a dependency).

``python -m bench.federation.profile [--query heavy|small] [--gateway beyond|beyond-cache]
[--seconds 20] [--output profile.txt]`` starts the subgraphs and ``beyond router`` (with its
entity cache on for ``beyond-cache``) (pinned to the last CPU, the rest
of the run off it), warms up, then samples the router
with ``py-spy record --format raw`` while the load runs, and prints the
functions with the most samples (self and total).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sys
from pathlib import Path

import orjson

from bench.federation.cache import entity_cache_config
from bench.federation.compose import BASE_PORT
from bench.federation.run import (
    CACHE_CONFIG,
    CACHE_VARIANT,
    GATEWAY_PORT,
    NODE,
    WORKLOADS,
    gateway_command,
    load,
    pinned,
    place_harness,
    started,
)


def summarize(raw: Path, top: int) -> None:
    own: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    samples = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        samples += count
        frames = stack.split(";")
        own[frames[-1]] += count
        for frame in set(frames):
            total[frame] += count
    print(f"{samples} samples")
    for title, counter in (("self", own), ("total", total)):
        print(f"\n-- top {top} by {title} --")
        for frame, count in counter.most_common(top):
            print(f"{100 * count / samples:5.1f}%  {frame}")


async def main_async(args: argparse.Namespace) -> None:
    url = f"http://127.0.0.1:{GATEWAY_PORT}/graphql"
    workload = WORKLOADS[args.query]
    body = workload.body
    expected = orjson.loads(workload.expected.read_bytes())
    router_cpus = {max(os.sched_getaffinity(0))}
    place_harness(router_cpus)
    with (
        entity_cache_config(CACHE_CONFIG),
        started(["node", str(NODE / "subgraphs.mjs"), str(BASE_PORT)]),
        started(pinned(gateway_command(args.gateway, GATEWAY_PORT), router_cpus)) as router,
    ):
        await asyncio.sleep(3)
        await load(url, body, expected, concurrency=args.concurrency, duration=3)
        spy = await asyncio.create_subprocess_exec(
            "py-spy", "record", "--pid", str(router.pid), "--format", "raw", "--rate", "200",
            "--duration", str(args.seconds), "--output", str(args.output), "--nonblocking",
        )  # fmt: skip
        _, errors, _ = await load(
            url, body, expected, concurrency=args.concurrency, duration=args.seconds + 1
        )
        await spy.wait()
        if errors:
            print(f"{errors} wrong answers", file=sys.stderr)
    summarize(args.output, args.top)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.federation.profile")
    parser.add_argument("--query", choices=tuple(WORKLOADS), default="heavy")
    parser.add_argument("--gateway", choices=("beyond", CACHE_VARIANT), default="beyond")
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--output", type=Path, default=Path("/tmp/router-profile.txt"))
    asyncio.run(main_async(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
