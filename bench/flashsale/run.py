"""The flash-sale benchmark: ``python -m bench.flashsale [--units N] [--buyers N] [--clients N]``.

The default run is short (100 units, 1,000 buyers, 50 clients); the
documented full run is ``--units 1000 --buyers 20000 --clients 200``.

1. A fresh MariaDB database; ``beyond serve commerce`` (HTTP, the order
   consumer, the deadline worker, the relay) pinned to CPU 1 with ``taskset``,
   the router (supergraph composed from commerce's SDL) and this load
   generator on CPU 0.
2. Two sales of ``--units`` each: one bought directly against the subgraph,
   one through the router; every buyer sends one ``seckill`` (``--clients``
   at a time). Figures per path: entry requests/s, p50/p99 latency, Lua
   decrements/s (accepted requests over the time they were accepted in),
   orders persisted/s, time from the first request until the last order is
   in the database, oversold units and duplicate orders (both must be 0).
3. The sold-out path: the same number of requests again on the sold-out
   sale, directly (the in-process flag answers): requests/s and the cost
   per request.
4. The ceiling: ``redis-benchmark`` running the same Lua script (EVALSHA,
   a new buyer per call, unlimited stock) on the same Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pymysql
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.engine import URL, make_url

from composition import SubgraphSDL, compose
from shared.db import Database, utcnow
from shared.migrations import upgrade
from shared.tokens import AccessTokens
from subgraphs.commerce import catalogue
from subgraphs.commerce.domain import SPEC
from subgraphs.commerce.models import Order
from subgraphs.commerce.sale_store import SECKILL, SaleKeys
from subgraphs.commerce.settings import CommerceSettings

ROOT = Path(__file__).resolve().parents[2]
MYSQL = make_url(os.environ.get("BEYOND_BENCH_MYSQL_URL", "mysql+aiomysql://root:@127.0.0.1:3306/"))
REDIS_URL = os.environ.get("BEYOND_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PREFIX = f"beyondbench:{secrets.token_hex(3)}:"
STALL = 60.0
"""Seconds without a new order after which the wait for the consumer gives up."""
REQUEST_TIMEOUT = 60.0
SECKILL_QUERY = """mutation($sale: ID!, $r: String!) {
  seckill(flashSaleId: $sale, requestId: $r) { orderId } }"""


def raise_file_limit(clients: int) -> None:
    """Each client holds a socket here, in the router and in the service, which inherit this
    process's limit: lift the soft limit on open files to what that needs, if it is lower."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * clients + 1024
    if hard != resource.RLIM_INFINITY and hard < wanted:
        print(f"open files are limited to {hard}; {clients} clients may need {wanted}")
        wanted = hard
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def pinned(cpu: int, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *command] if (os.cpu_count() or 1) > 1 else command


@contextmanager
def serving(
    env: dict[str, str], commerce: int, grpc: int, router: int, sdl: Path
) -> Iterator[None]:
    commands = [
        pinned(
            1,
            [
                sys.executable,
                "-m",
                "beyond.cli",
                "serve",
                "commerce",
                "--port",
                str(commerce),
                "--grpc-port",
                str(grpc),
            ],
        ),
        pinned(
            0,
            [
                sys.executable,
                "-m",
                "beyond.cli",
                "router",
                "--supergraph",
                str(sdl),
                "--listen",
                f"127.0.0.1:{router}",
                "--log-level",
                "WARNING",
            ],
        ),
    ]
    started = [
        subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for c in commands
    ]
    try:
        yield
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)


async def wait_ready(session: aiohttp.ClientSession, ports: list[int]) -> None:
    deadline = time.monotonic() + 60
    for port in ports:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"nothing answers on port {port}")
            await asyncio.sleep(0.2)


async def new_sale(database: Database, units: int) -> int:
    async with database.transaction() as session:
        product = await catalogue.create_product(
            session, title="Bench", description="", skus=[("one", 100, units)], currency="CNY"
        )
        sku = (await catalogue.skus_of(session, [product.id]))[product.id][0]
        sale = await catalogue.create_flash_sale(
            session,
            sku_id=sku.id,
            price=1,
            units=units,
            starts_at=utcnow() - timedelta(seconds=1),
            ends_at=utcnow() + timedelta(hours=1),
        )
    return sale.id


async def blast(
    session: aiohttp.ClientSession, url: str, tokens: list[str], sale: int, clients: int
) -> tuple[list[float], list[float], Counter[str]]:
    """Every token sends one seckill: (latencies, times of acceptance, failures by kind).

    A refusal (``CONFLICT``: sold out, or bought already) is an answer, not a failure; any
    other error code (``OVERLOADED`` when a process sheds load, say), an HTTP status
    without a GraphQL body, a dropped connection or a timeout is counted by kind, and the
    client goes on with the next buyer.
    """
    queue = list(enumerate(tokens))
    latencies: list[float] = []
    accepted_at: list[float] = []
    failures: Counter[str] = Counter()

    async def one(index: int, token: str) -> None:
        body = {"query": SECKILL_QUERY, "variables": {"sale": str(sale), "r": f"r{index}"}}
        started = time.perf_counter()
        try:
            async with session.post(
                url, json=body, headers={"Authorization": f"Bearer {token}"}
            ) as response:
                answer = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            failures[type(exc).__name__] += 1
            return
        latencies.append(time.perf_counter() - started)
        if not isinstance(answer, dict):
            failures["no GraphQL answer"] += 1
        elif "errors" not in answer:
            accepted_at.append(time.perf_counter())
        else:
            code = answer["errors"][0].get("extensions", {}).get("code", "no code")
            if code != "CONFLICT":
                failures[code] += 1

    async def client() -> None:
        while queue:
            await one(*queue.pop())

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, accepted_at, failures


async def orders_of(database: Database, sale: int) -> tuple[int, int]:
    async with database.transaction() as session:
        row = (
            await session.execute(
                select(func.count(), func.count(func.distinct(Order.user_id))).where(
                    Order.flash_sale_id == sale
                )
            )
        ).one()
    return int(row[0]), int(row[1])


async def run_path(
    name: str,
    url: str,
    session: aiohttp.ClientSession,
    database: Database,
    tokens: list[str],
    units: int,
    clients: int,
) -> dict[str, Any]:
    sale = await new_sale(database, units)
    started = time.perf_counter()
    latencies, accepted_at, failures = await blast(session, url, tokens, sale, clients)
    entry_done = time.perf_counter()
    # Wait for the consumer while it makes progress: at full scale it writes most orders
    # after the entry traffic stops, for longer than any fixed bound would allow.
    written, progressed = 0, time.perf_counter()
    while written < min(units, len(accepted_at)):
        if time.perf_counter() - progressed > STALL:
            print(f"{name}: no order written for {STALL:.0f} s; {written} of {len(accepted_at)}")
            break
        await asyncio.sleep(0.02)
        count = (await orders_of(database, sale))[0]
        if count > written:
            written, progressed = count, time.perf_counter()
    visible = time.perf_counter()
    orders, distinct = await orders_of(database, sale)
    accepting = (max(accepted_at) - min(accepted_at)) if len(accepted_at) > 1 else float("nan")
    first_accepted = min(accepted_at, default=started)
    latencies.sort()
    if not latencies:
        raise SystemExit(f"{name}: no request was answered ({dict(failures)})")
    return {
        "path": name,
        "sale": sale,
        "entry_rps": len(latencies) / (entry_done - started),
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
        "lua_decrements_per_s": len(accepted_at) / accepting,
        "orders_per_s": orders / (visible - first_accepted),
        "last_order_visible_s": visible - started,
        "accepted": len(accepted_at),
        "orders": orders,
        "oversold": max(0, orders - units),
        "duplicates": orders - distinct,
        "errors": sum(failures.values()),
        "failures": failures,
    }


def redis_ceiling(requests: int, clients: int) -> float:
    """redis-benchmark's requests/s for SECKILL with a new buyer per call and unlimited stock."""
    import redis as sync_redis

    client = sync_redis.Redis.from_url(REDIS_URL, decode_responses=True)
    keys = SaleKeys.of(PREFIX, 999_999_999)
    now = int(time.time() * 1000)
    client.hset(
        keys.meta,
        mapping={
            "stock": 10**12,
            "starts": now - 1000,
            "ends": now + 3_600_000,
            "expires": now + 3_600_000,
            "seq": 0,
        },
    )
    sha = client.script_load(SECKILL)
    port = make_url(REDIS_URL).port or 6379
    try:
        output = subprocess.run(
            [
                "redis-benchmark",
                "-p",
                str(port),
                "-n",
                str(requests),
                "-c",
                str(clients),
                "-r",
                "1000000000",
                "-q",
                "EVALSHA",
                sha,
                "3",
                *keys.entry(),
                "__rand_int__",
                "r",
                "1",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        client.delete(*keys.all())
        client.close()
    match = re.findall(r"([\d.]+) requests per second", output)
    return float(match[-1]) if match else float("nan")


async def bench(args: argparse.Namespace) -> None:
    raise_file_limit(args.clients)
    database_name = f"beyond_bench_commerce_{secrets.token_hex(3)}"
    url: URL = MYSQL.set(database=database_name)
    upgrade(url, SPEC.migrations)
    secret = secrets.token_urlsafe(48)
    commerce_port, grpc_port, router_port = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    env.update(
        {
            "BEYOND_COMMERCE_DATABASE_URL": url.render_as_string(hide_password=False),
            "BEYOND_REDIS_URL": REDIS_URL,
            "BEYOND_REDIS_PREFIX": PREFIX,
            "BEYOND_JWT_SECRET": secret,
            "BEYOND_SECKILL_PER_NETWORK": str(10**9),
            "BEYOND_LOG_LEVEL": "WARNING",
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        sdl = Path(folder) / "supergraph.graphql"
        composed = compose(
            [
                SubgraphSDL(
                    "commerce",
                    f"http://127.0.0.1:{commerce_port}/graphql",
                    (ROOT / "schema/subgraphs/commerce.graphql").read_text(),
                )
            ]
        )
        assert composed.supergraph_sdl is not None, composed.errors
        sdl.write_text(composed.supergraph_sdl)
        settings = CommerceSettings(
            commerce_database_url=str(url.render_as_string(hide_password=False)), jwt_secret=secret
        )
        tokens_of = AccessTokens.from_settings(settings)
        database = Database.from_url(url)
        connector = aiohttp.TCPConnector(limit=args.clients)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
        with serving(env, commerce_port, grpc_port, router_port, sdl):
            async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
                await wait_ready(session, [commerce_port, router_port])
                results = []
                for index, (name, port) in enumerate(
                    [("direct", commerce_port), ("router", router_port)]
                ):
                    first = 10**9 + index * 10**7
                    tokens = [tokens_of.issue(str(first + i)) for i in range(args.buyers)]
                    results.append(
                        await run_path(
                            name,
                            f"http://127.0.0.1:{port}/graphql",
                            session,
                            database,
                            tokens,
                            args.units,
                            args.clients,
                        )
                    )
                sold_out_sale = results[0]["sale"]
                started = time.perf_counter()
                _, _, sold_out_failures = await blast(
                    session,
                    f"http://127.0.0.1:{commerce_port}/graphql",
                    tokens[: args.buyers],
                    sold_out_sale,
                    args.clients,
                )
                sold_out_rps = args.buyers / (time.perf_counter() - started)
        await database.dispose()
    ceiling = redis_ceiling(args.redis_requests, 50)
    redis = Redis.from_url(REDIS_URL)
    keys = [k async for k in redis.scan_iter(match=f"{PREFIX}*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()
    connection = pymysql.connect(
        host=MYSQL.host or "127.0.0.1",
        port=MYSQL.port or 3306,
        user=MYSQL.username or "root",
        password=MYSQL.password or "",
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE `{database_name}`")
    connection.close()
    print(f"flash sale: {args.units} units, {args.buyers} buyers per path, {args.clients} clients")
    print(
        f"{'path':8}{'entry/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'lua/s':>9}{'orders/s':>10}"
        f"{'last order s':>14}{'orders':>8}{'oversold':>10}{'dupes':>7}{'errors':>8}"
    )
    for r in results:
        print(
            f"{r['path']:8}{r['entry_rps']:>10.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
            f"{r['lua_decrements_per_s']:>9.0f}{r['orders_per_s']:>10.0f}"
            f"{r['last_order_visible_s']:>14.2f}{r['orders']:>8}{r['oversold']:>10}"
            f"{r['duplicates']:>7}{r['errors']:>8}"
        )
    print(
        f"sold-out path (direct): {sold_out_rps:.0f} requests/s, "
        f"{1e6 / sold_out_rps:.0f} µs per request"
    )
    for name, failures in [
        *((r["path"], r["failures"]) for r in results),
        ("sold-out", sold_out_failures),
    ]:
        if failures:
            print(f"  {name} failures: " + ", ".join(f"{k} {v}" for k, v in failures.items()))
    print(f"redis-benchmark EVALSHA of the same script: {ceiling:.0f}/s")
    for r in results:
        print(f"  {r['path']} entry path = {r['entry_rps'] / ceiling:.1%} of the Lua ceiling")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.flashsale")
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--buyers", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--redis-requests", type=int, default=50_000)
    asyncio.run(bench(parser.parse_args()))
    return 0
