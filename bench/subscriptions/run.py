"""What sharing subgraph WebSockets saves: the router with ``multiplex`` off and on, one workload.

``python -m bench.subscriptions [--clients 200] [--per-client 4] [--every 0.5] [--seconds 10]``

The router (pinned to core 0) serves one subgraph, the ticker (core 1).
``clients`` WebSocket clients, each with its own ``Authorization`` (so no
two clients may share), open ``per-client`` subscriptions each to
``ticks(every)``, as a page with a few live widgets does. Once every
subscription has its first event the driver measures, over ``seconds``:
the WebSockets the subgraph accepted, events delivered per second, router
CPU per delivered event, and the router's peak RSS. Rounds alternate
off/on (``--rounds``); medians are printed, then the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import aiohttp
import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from bench.federation.procs import usage
from bench.federation.run import started
from bench.subscriptions.ticker import SCHEMA
from beyond.ports import free_port
from composition import SubgraphSDL, compose

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = Subprotocol("graphql-transport-ws")


@dataclass(frozen=True)
class Round:
    multiplex: bool
    subscriptions: int
    subgraph_sockets: int
    events_per_s: float
    router_cpu_us_per_event: float
    router_peak_rss_mb: float


async def graphql(session: aiohttp.ClientSession, url: str, query: str, within: float) -> object:
    deadline = time.monotonic() + within
    while True:
        with contextlib.suppress(aiohttp.ClientError):
            async with session.post(url, json={"query": query}) as response:
                if response.status == 200:
                    return (await response.json())["data"]
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {within:g}s")
        await asyncio.sleep(0.2)


async def client(
    url: str,
    n: int,
    per_client: int,
    every: float,
    ready: asyncio.Event,
    started_count: list[int],
    total: int,
    counted: list[int],
    counting: list[bool],
) -> None:
    async with connect(url, subprotocols=[PROTOCOL], max_queue=None) as ws:
        await send(ws, {"type": "connection_init", "payload": {"authorization": f"Bearer c{n}"}})
        await ws.recv()
        query = "subscription($every:Float!){ticks(every:$every)}"
        for i in range(per_client):
            await send(
                ws,
                {
                    "id": str(i),
                    "type": "subscribe",
                    "payload": {"query": query, "variables": {"every": every}},
                },
            )
        first: set[str] = set()
        async for raw in ws:
            message = orjson.loads(raw)
            if message.get("type") == "ping":
                await send(ws, {"type": "pong"})
                continue
            if message.get("type") != "next":
                raise RuntimeError(f"unexpected message {message}")
            if message["id"] not in first:
                first.add(message["id"])
                started_count[0] += 1
                if started_count[0] == total:
                    ready.set()
            if counting[0]:
                counted[0] += 1


async def send(ws: ClientConnection, message: dict[str, object]) -> None:
    await ws.send(orjson.dumps(message).decode())


async def one_round(multiplex: bool, args: argparse.Namespace) -> Round:
    ticker_port, router_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as tmp:
        result = compose(
            [SubgraphSDL("ticker", f"http://127.0.0.1:{ticker_port}/graphql", SCHEMA.as_str())]
        )
        assert result.supergraph_sdl is not None, result.errors
        supergraph = Path(tmp) / "supergraph.graphql"
        supergraph.write_text(result.supergraph_sdl)
        config = Path(tmp) / "router.toml"
        config.write_text(
            f"[subscriptions]\nmultiplex = {'true' if multiplex else 'false'}\nkeepalive = 600.0\n"
        )
        ticker = [
            "taskset",
            "-c",
            "1",
            sys.executable,
            "-m",
            "bench.subscriptions.ticker",
            str(ticker_port),
        ]
        router = [
            "taskset",
            "-c",
            "0",
            sys.executable,
            "-m",
            "beyond.cli",
            "router",
            "--supergraph",
            str(supergraph),
            "--config",
            str(config),
            "--listen",
            f"127.0.0.1:{router_port}",
            "--log-level",
            "WARNING",
        ]
        with started(ticker), started(router) as router_process:
            http_url = f"http://127.0.0.1:{router_port}/graphql"
            async with aiohttp.ClientSession() as session:
                await graphql(session, http_url, "{sockets}", within=60)
                total = args.clients * args.per_client
                ready, started_count, counted, counting = asyncio.Event(), [0], [0], [False]
                ws_url = f"ws://127.0.0.1:{router_port}/graphql"
                tasks = [
                    asyncio.create_task(
                        client(
                            ws_url,
                            n,
                            args.per_client,
                            args.every,
                            ready,
                            started_count,
                            total,
                            counted,
                            counting,
                        )
                    )
                    for n in range(args.clients)
                ]
                try:
                    await asyncio.wait_for(ready.wait(), timeout=120)
                    before = usage(router_process.pid)
                    counting[0] = True
                    start = time.monotonic()
                    await asyncio.sleep(args.seconds)
                    counting[0] = False
                    elapsed = time.monotonic() - start
                    after = usage(router_process.pid)
                    sockets = await graphql(session, http_url, "{sockets}", within=10)
                finally:
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
    events = max(counted[0], 1)
    assert isinstance(sockets, dict)
    return Round(
        multiplex=multiplex,
        subscriptions=total,
        subgraph_sockets=int(sockets["sockets"]),
        events_per_s=round(counted[0] / elapsed, 1),
        router_cpu_us_per_event=round((after.cpu_seconds - before.cpu_seconds) / events * 1e6, 1),
        router_peak_rss_mb=round(after.peak_rss_mb, 1),
    )


def median_round(rounds: list[Round]) -> Round:
    return Round(
        multiplex=rounds[0].multiplex,
        subscriptions=rounds[0].subscriptions,
        subgraph_sockets=int(statistics.median(r.subgraph_sockets for r in rounds)),
        events_per_s=statistics.median(r.events_per_s for r in rounds),
        router_cpu_us_per_event=statistics.median(r.router_cpu_us_per_event for r in rounds),
        router_peak_rss_mb=statistics.median(r.router_peak_rss_mb for r in rounds),
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.subscriptions")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--per-client", type=int, default=4)
    parser.add_argument("--every", type=float, default=0.5)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}", flush=True)
    results: dict[bool, list[Round]] = {False: [], True: []}
    for _ in range(args.rounds):
        for multiplex in (False, True):
            figures = asyncio.run(one_round(multiplex, args))
            print(orjson.dumps(asdict(figures)).decode(), flush=True)
            results[multiplex].append(figures)
    off, on = median_round(results[False]), median_round(results[True])
    print(f"medians, multiplex off: {asdict(off)}")
    print(f"medians, multiplex on:  {asdict(on)}")
    print(
        f"subgraph sockets {off.subgraph_sockets} → {on.subgraph_sockets}; router CPU per event "
        f"{on.router_cpu_us_per_event / off.router_cpu_us_per_event:.2f}x; peak RSS "
        f"{off.router_peak_rss_mb} → {on.router_peak_rss_mb} MB"
    )
    return 0
