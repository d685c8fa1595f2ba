"""The failover benchmark: three articles replicas behind etcd, one killed under load, then restarted.

``python -m bench.failover [--duration S] [--kill-at S] [--restart-at S] [--concurrency N]``

1. Seed (:mod:`bench.feed.seed`, smaller sizes) fresh ``beyond_failover_*``
   MariaDB databases; start etcd on loopback.
2. Run as production does, one process each: ``beyond serve`` for accounts
   and social (registered in etcd), three ``beyond serve articles``
   replicas registered in etcd that find accounts and social there
   (``BEYOND_GRPC_DISCOVERY=etcd``), and ``beyond router`` taking articles'
   URLs from etcd (``discovery = "etcd"``), pinned to core 0 (``taskset``).
3. Load: ``--concurrency`` clients send the feed query through the router as
   random readers (timelines warmed first). At ``--kill-at`` seconds one
   replica gets SIGKILL (its lease is left to expire, TTL 10 s); at
   ``--restart-at`` a new replica starts (on a port of its own, so its
   registration is told apart from the dead one's key still waiting to expire).
4. Figures: client errors, p50/p99 overall and in the two seconds after the
   kill and after the restart, and for the new replica the time from its
   start to its registration and from its registration to the first request
   it answers (its ``/metrics`` polled every 10 ms).

The default timeline is short (kill at 4 s, restart at 8 s, 12 s in all);
the issue's is ``--kill-at 10 --restart-at 20 --duration 30``.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from bench.feed.run import FEED_QUERY, REDIS_PREFIX, environment, machine, percentile, supergraph
from bench.feed.seed import Sizes, database_urls, seed
from shared.registry.etcd import service_prefix
from shared.settings import CommonSettings
from shared.tokens import AccessTokens
from tests.support.etcd import EtcdServer

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
ROUTER_PORT = 4150
PEERS = {"accounts": (4151, 5151), "social": (4152, 5152)}
REPLICA_PORTS = (4161, 4162, 4163)
RESTART_PORT = 4164
METRICS_PORTS = {port: port + 100 for port in (*REPLICA_PORTS, RESTART_PORT)}
SIZES = Sizes(users=2_000, follows=20_000, articles=10_000, star_followers=100)
_OPERATIONS = re.compile(r"^beyond_graphql_operations_total\{[^}]*\} (\S+)$", re.MULTILINE)


def _serve(name: str, port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "beyond.cli", "serve", name, "--port", str(port), *extra]


LOG = Path(tempfile.gettempdir()) / "beyond-bench-failover.log"


def _start(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Started with its stderr appended to ``LOG`` (read it when something does not start)."""
    with LOG.open("ab") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)


def _replica(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    metrics = {"BEYOND_METRICS_LISTEN": f"127.0.0.1:{METRICS_PORTS[port]}"}
    return _start(_serve("articles", port, "--no-workers"), {**env, **metrics})


@contextmanager
def processes(
    env: dict[str, str], scratch: Path, etcd: str
) -> Iterator[list[subprocess.Popen[bytes]]]:
    config = scratch / "router.toml"
    config.write_text(
        f'[registry]\netcd = "{etcd}"\n\n[subgraphs.articles]\ndiscovery = "etcd"\n',
        encoding="utf-8",
    )
    ports = {name: http for name, (http, _) in PEERS.items()}
    path = supergraph(scratch / "supergraph.graphql", {**ports, "articles": REPLICA_PORTS[0]})
    router = ["taskset", "-c", "0", sys.executable, "-m", "beyond.cli", "router"]
    router += ["--supergraph", str(path), "--listen", f"127.0.0.1:{ROUTER_PORT}"]
    router += ["--config", str(config), "--log-level", "WARNING"]
    started = [
        _start(_serve(name, http, "--grpc-port", str(grpc), "--no-workers"), env)
        for name, (http, grpc) in PEERS.items()
    ]
    replicas = [_replica(port, env) for port in REPLICA_PORTS]
    started.append(_start(router, env))
    try:
        yield replicas  # the load adds the replica it starts
    finally:
        everything = [*started, *replicas]
        for process in everything:
            if process.poll() is None:
                process.terminate()
        for process in everything:
            process.wait(timeout=30)


async def _registered(etcd: EtcdServer, kind: str, service: str) -> list[str]:
    client = etcd.endpoint.client()
    await client.connect()
    try:
        listed = await client.get_prefix(service_prefix(service, kind).encode())
    finally:
        await client.close()
    return [kv.value.decode() for kv in listed]


async def _until(check: Any, within: float, what: str, *, every: float = 0.1) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not within {within:g} s")
        await asyncio.sleep(every)


async def _operations(session: aiohttp.ClientSession, port: int) -> float:
    try:
        async with session.get(f"http://127.0.0.1:{METRICS_PORTS[port]}/metrics") as response:
            text = await response.text()
    except aiohttp.ClientError:
        return 0.0
    return sum(float(value) for value in _OPERATIONS.findall(text))


async def _ask(session: aiohttp.ClientSession, token: str) -> bool:
    try:
        async with session.post(
            f"http://127.0.0.1:{ROUTER_PORT}/graphql",
            json={"query": FEED_QUERY},
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            body = await response.json()
    except (aiohttp.ClientError, ValueError):
        return False
    return response.status == 200 and "errors" not in body and body.get("data") is not None


async def run_load(
    session: aiohttp.ClientSession,
    tokens: list[str],
    args: argparse.Namespace,
    replicas: list[subprocess.Popen[bytes]],
    env: dict[str, str],
    etcd: EtcdServer,
) -> dict[str, Any]:
    samples: list[tuple[float, float, bool]] = []  # (sent at, latency, ok)
    started = time.perf_counter()
    rng = random.Random(5)
    stopping = asyncio.Event()

    async def client() -> None:
        while not stopping.is_set():
            sent = time.perf_counter()
            ok = await _ask(session, rng.choice(tokens))
            samples.append((sent - started, time.perf_counter() - sent, ok))

    async def events() -> dict[str, float]:
        await asyncio.sleep(args.kill_at)
        victim = replicas[0]
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        await asyncio.sleep(max(0.0, started + args.restart_at - time.perf_counter()))
        restarted_at = time.perf_counter()
        replicas.append(_replica(RESTART_PORT, env))
        url = f"http://127.0.0.1:{RESTART_PORT}/graphql"

        async def registered() -> bool:
            return url in await _registered(etcd, "graphql", "articles")

        async def serving() -> bool:
            return await _operations(probe, RESTART_PORT) > 0

        await _until(registered, 60, "the new replica registered", every=0.01)
        registered_at = time.perf_counter()
        await _until(serving, 60, "the new replica taking traffic", every=0.01)
        first_at = time.perf_counter()
        return {
            "restart_to_registered_s": round(registered_at - restarted_at, 2),
            "registered_to_first_request_s": round(first_at - registered_at, 3),
        }

    # The load runs for the timeline, and on until the new replica has taken traffic.
    async with aiohttp.ClientSession() as probe:  # not queued behind the clients' connections
        clients = [asyncio.create_task(client()) for _ in range(args.concurrency)]
        timings = await events()
        await asyncio.sleep(max(0.0, started + args.duration - time.perf_counter()))
        stopping.set()
        await asyncio.gather(*clients)
    elapsed = time.perf_counter() - started

    def window(start: float, length: float = 2.0) -> list[float]:
        return [lat for at, lat, _ in samples if start <= at < start + length]

    latencies = [lat for _, lat, _ in samples]
    return {
        "requests": len(samples),
        "errors": sum(1 for *_, ok in samples if not ok),
        "load_s": round(elapsed, 1),
        "requests_per_s": round(len(samples) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "p99_2s_after_kill_ms": round(percentile(window(args.kill_at), 0.99) * 1000, 1),
        "max_2s_after_kill_ms": round(max(window(args.kill_at)) * 1000, 1),
        "p99_2s_after_restart_ms": round(percentile(window(args.restart_at), 0.99) * 1000, 1),
        **timings,
    }


async def main_async(args: argparse.Namespace) -> int:
    urls = database_urls(make_url(args.mysql_url), "beyond_failover")
    print(f"seeding {SIZES} …", flush=True)
    seed(urls, SIZES, rng=random.Random(2026))
    redis = Redis.from_url(args.redis_url, decode_responses=True)
    stale = [key async for key in redis.scan_iter(match=f"{REDIS_PREFIX}*", count=1000)]
    for start in range(0, len(stale), 1000):
        await redis.delete(*stale[start : start + 1000])
    await redis.aclose()
    secret = secrets.token_urlsafe(48)
    env = environment(urls, args.redis_url, secret, base64.b64encode(os.urandom(32)).decode())
    tokens = AccessTokens.from_settings(CommonSettings(jwt_secret=secret))
    readers = [tokens.issue(str(r)) for r in random.Random(3).sample(range(2, SIZES.users), 200)]
    results: dict[str, Any] = {
        "load_average_1m_before": round(os.getloadavg()[0], 2),
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "timeline_s": {"kill": args.kill_at, "restart": args.restart_at, "end": args.duration},
        "concurrency": args.concurrency,
    }
    with tempfile.TemporaryDirectory() as scratch:
        etcd = EtcdServer(Path(scratch) / "etcd")
        etcd.start()
        address = f"http://127.0.0.1:{etcd.client_port}"
        env.update(
            {
                "BEYOND_REGISTRY_ETCD": address,
                "BEYOND_GRPC_DISCOVERY": "etcd",
                "BEYOND_REDIS_PREFIX": REDIS_PREFIX,
            }
        )
        try:
            with processes(env, Path(scratch), address) as replicas:
                async with aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=args.concurrency)
                ) as session:

                    async def all_registered() -> bool:
                        found = await _registered(etcd, "graphql", "articles")
                        peers = [await _registered(etcd, "grpc", name) for name in PEERS]
                        return len(found) == len(REPLICA_PORTS) and all(peers)

                    await _until(all_registered, 90, f"every service registered (see {LOG})")
                    await _until(lambda: _ask(session, readers[0]), 30, "the router answering")
                    queue = list(readers)

                    async def warm() -> None:
                        while queue:
                            await _ask(session, queue.pop())

                    await asyncio.gather(*(warm() for _ in range(20)))
                    results.update(await run_load(session, readers, args, replicas, env, etcd))
        finally:
            etcd.stop()
    print(json.dumps(results, indent=2))
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.failover", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--mysql-url", default="mysql+aiomysql://root:@127.0.0.1:3306/?charset=utf8mb4"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--duration", type=float, default=12.0, help="at least; on until the new replica serves"
    )
    parser.add_argument("--kill-at", type=float, default=4.0)
    parser.add_argument("--restart-at", type=float, default=8.0)
    parser.add_argument("--output", type=Path, default=HERE / "results.json")
    return asyncio.run(main_async(parser.parse_args(argv)))
