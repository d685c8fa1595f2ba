"""The feed benchmark: ``python -m bench.feed [--duration S] [--concurrency N] [--skip-seed]``.

1. Seed (:mod:`bench.feed.seed`): 10,000 users, 100,000 follow edges and
   50,000 articles straight into fresh MariaDB databases.
2. Run the graph as production does, one process each: ``beyond serve`` for
   accounts, social and articles (HTTP, gRPC, relays, consumers, flusher) and
   the router over the supergraph composed from ``schema/subgraphs/``.
3. Load: ``--concurrency`` clients send the issue's feed query through the
   router, each request as a random one of ``--readers`` users, for
   ``--duration`` seconds after a warm-up in which every reader's timeline is
   built (rebuilt from the databases on first read). Figures: requests/s,
   p50 and p99 latency, errors.
4. Fan-out: the star (user 1, 5,000 followers, whose timelines are built
   first) publishes through the router; timed until the article is in every
   follower's timeline (outbox relay → stream → consumer → fan-out), and the
   fan-out step alone, called in-process (median of 3).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from bench.feed.seed import STAR, Sizes, database_urls, seed
from composition import SubgraphSDL, compose
from shared.pagination import Position
from shared.settings import CommonSettings
from shared.tokens import AccessTokens
from subgraphs.articles.runtime import ArticlesRuntime, build_runtime
from subgraphs.articles.settings import ArticlesSettings

ROOT = Path(__file__).resolve().parents[2]
FEED_QUERY = "{ feed { edges { node { title author { nickname followerCount } } } } }"
PUBLISH = """mutation { publishArticle(input: {title: "From the star", content: "To everyone."}) { id } }"""
ROUTER_PORT, HTTP_PORTS, GRPC_PORTS = (
    4100,
    {"accounts": 4101, "social": 4102, "articles": 4103},
    {
        "accounts": 5101,
        "social": 5102,
    },
)
REDIS_PREFIX = "beyondbench:"


def environment(urls: dict[str, Any], redis_url: str, secret: str, data_key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    env.update(
        {
            f"BEYOND_{name.upper()}_DATABASE_URL": url.render_as_string(hide_password=False)
            for name, url in urls.items()
        }
    )
    env.update(
        {
            "BEYOND_REDIS_URL": redis_url,
            "BEYOND_REDIS_PREFIX": REDIS_PREFIX,
            "BEYOND_JWT_SECRET": secret,
            "BEYOND_DATA_KEY": data_key,
            "BEYOND_LOG_LEVEL": "WARNING",
            # `beyond serve` refuses the console SMS sender; nothing here asks for a code.
            "BEYOND_SMS_PROVIDER": "webhook",
            "BEYOND_SMS_WEBHOOK_URL": "http://127.0.0.1:9/sms",
            "BEYOND_ACCOUNTS_GRPC_TARGET": f"127.0.0.1:{GRPC_PORTS['accounts']}",
            "BEYOND_SOCIAL_GRPC_TARGET": f"127.0.0.1:{GRPC_PORTS['social']}",
            "GRPC_VERBOSITY": "ERROR",
        }
    )
    return env


def supergraph(path: Path, ports: dict[str, int] = HTTP_PORTS) -> Path:
    """The supergraph of ``ports``' subgraphs (name → HTTP port on 127.0.0.1), written to ``path``."""
    sources = [
        SubgraphSDL(
            name,
            f"http://127.0.0.1:{port}/graphql",
            (ROOT / "schema" / "subgraphs" / f"{name}.graphql").read_text(),
        )
        for name, port in ports.items()
    ]
    result = compose(sources)
    assert result.supergraph_sdl is not None, result.errors
    path.write_text(result.supergraph_sdl)
    return path


@contextmanager
def processes(env: dict[str, str], supergraph_path: Path) -> Iterator[None]:
    commands = [
        [
            sys.executable,
            "-m",
            "beyond.cli",
            "serve",
            name,
            "--port",
            str(port),
            *(["--grpc-port", str(GRPC_PORTS[name])] if name in GRPC_PORTS else []),
        ]
        for name, port in HTTP_PORTS.items()
    ]
    commands.append(
        [sys.executable, "-m", "bench.feed.serve_router", str(supergraph_path), str(ROUTER_PORT)]
    )
    started = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        for command in commands
    ]
    try:
        yield
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)


async def wait_ready(session: aiohttp.ClientSession, within: float = 60) -> None:
    deadline = time.monotonic() + within
    for port in [*HTTP_PORTS.values(), ROUTER_PORT]:
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{port}/health") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"nothing healthy on port {port} after {within} s")
            await asyncio.sleep(0.2)


async def graphql(session: aiohttp.ClientSession, token: str, query: str) -> Any:
    async with session.post(
        f"http://127.0.0.1:{ROUTER_PORT}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        return await response.json()


async def load(
    session: aiohttp.ClientSession, tokens: list[str], *, concurrency: int, duration: float
) -> tuple[list[float], int, float]:
    """Drive ``concurrency`` clients for ``duration`` s: latencies (s), errors, elapsed (s)."""
    latencies: list[float] = []
    errors = 0
    stop_at = time.monotonic() + duration
    rng = random.Random(7)

    async def client() -> None:
        nonlocal errors
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            body = await graphql(session, rng.choice(tokens), FEED_QUERY)
            latencies.append(time.perf_counter() - started)
            if "errors" in body or not isinstance(body.get("data", {}).get("feed"), dict):
                errors += 1

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return latencies, errors, time.monotonic() - started


async def warm(session: aiohttp.ClientSession, tokens: list[str], concurrency: int) -> float:
    """Every reader's feed once (building their timelines); return the seconds taken."""
    queue = list(tokens)
    started = time.perf_counter()

    async def client() -> None:
        while queue:
            body = await graphql(session, queue.pop(), FEED_QUERY)
            assert "errors" not in body, body

    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@asynccontextmanager
async def articles_in_process(env: dict[str, str]) -> AsyncIterator[Any]:
    """An articles runtime in this process, on the same databases, Redis and gRPC servers."""
    settings = ArticlesSettings(
        **{
            key.removeprefix("BEYOND_").lower(): value
            for key, value in env.items()
            if key.startswith("BEYOND_")
            and key.removeprefix("BEYOND_").lower() in ArticlesSettings.model_fields
        }
    )
    runtime: ArticlesRuntime = build_runtime(settings)
    try:
        yield runtime
    finally:
        await runtime.aclose()


async def fan_out_figures(
    session: aiohttp.ClientSession, env: dict[str, str], star_token: str, followers: list[int]
) -> dict[str, float]:
    figures: dict[str, float] = {}
    async with articles_in_process(env) as runtime:
        feed, redis = runtime.feed, runtime.redis
        started = time.perf_counter()
        pending = list(followers)

        async def rebuild() -> None:
            while pending:
                await feed.rebuild(pending.pop())

        await asyncio.gather(*(rebuild() for _ in range(50)))
        figures["timeline_rebuilds_per_s"] = len(followers) / (time.perf_counter() - started)

        keys = [feed._timelines.key(f) for f in followers]
        published_at = time.perf_counter()
        body = await graphql(session, star_token, PUBLISH)
        member = f"{int(body['data']['publishArticle']['id']):020d}"
        while True:
            async with redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.zscore(key, member)
                scores = await pipe.execute()
            if all(score is not None for score in scores):
                break
            if time.perf_counter() - published_at > 120:
                raise RuntimeError(f"{scores.count(None)} timelines still lack the article")
            await asyncio.sleep(0.01)
        figures["publish_to_all_timelines_ms"] = (time.perf_counter() - published_at) * 1000

        durations = []
        for n in range(3):
            entry = Position(datetime.now(UTC).replace(microsecond=0), 10**12 + n)
            started = time.perf_counter()
            async with runtime.database.transaction() as db_session:
                reached = await feed.fan_out(STAR, entry, session=db_session)
            durations.append(time.perf_counter() - started)
            assert reached == len(followers), reached
        figures["fan_out_call_ms"] = statistics.median(durations) * 1000
    return figures


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} x {model}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


async def main_async(args: argparse.Namespace) -> int:
    sizes = Sizes()
    urls = database_urls(make_url(args.mysql_url), args.database_prefix)
    if not args.skip_seed:
        print(f"seeding {sizes} …", flush=True)
        timings = seed(urls, sizes, rng=random.Random(2026))
        print("seeded in " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()), flush=True)
    redis = Redis.from_url(args.redis_url, decode_responses=True)
    stale = [key async for key in redis.scan_iter(match=f"{REDIS_PREFIX}*", count=1000)]
    for start in range(0, len(stale), 1000):
        await redis.delete(*stale[start : start + 1000])
    await redis.aclose()

    secret = secrets.token_urlsafe(48)
    data_key = base64.b64encode(os.urandom(32)).decode()
    env = environment(urls, args.redis_url, secret, data_key)
    tokens = AccessTokens.from_settings(CommonSettings(jwt_secret=secret))
    rng = random.Random(11)
    readers = rng.sample(range(2, sizes.users + 1), args.readers)
    reader_tokens = [tokens.issue(str(reader)) for reader in readers]
    # Other work on the machine skews every figure: note how busy it was.
    results: dict[str, Any] = {
        "load_average_1m_before": round(os.getloadavg()[0], 2),
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }

    with (
        tempfile.TemporaryDirectory() as scratch,
        processes(env, supergraph(Path(scratch) / "supergraph.graphql")),
    ):
        connector = aiohttp.TCPConnector(limit=args.concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            await wait_ready(session)
            sample = await graphql(session, reader_tokens[0], FEED_QUERY)
            edges = sample["data"]["feed"]["edges"]
            print(
                f"a reader's first page: {len(edges)} articles, e.g. {edges[0] if edges else None}"
            )
            warmed = await warm(session, reader_tokens, args.concurrency)
            results["warm_up_s"] = round(warmed, 2)
            latencies, errors, elapsed = await load(
                session, reader_tokens, concurrency=args.concurrency, duration=args.duration
            )
            results.update(
                {
                    "concurrency": args.concurrency,
                    "duration_s": round(elapsed, 1),
                    "requests": len(latencies),
                    "errors": errors,
                    "requests_per_s": round(len(latencies) / elapsed, 1),
                    "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
                    "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
                }
            )
            print(json.dumps(results, indent=2), flush=True)
            followers = list(range(2, sizes.star_followers + 2))
            fan_out = await fan_out_figures(session, env, tokens.issue(str(STAR)), followers)
            results.update({k: round(v, 1) for k, v in fan_out.items()})
    print(json.dumps(results, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.feed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--mysql-url", default="mysql+aiomysql://root:@127.0.0.1:3306/?charset=utf8mb4"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--database-prefix", default="beyond_bench")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the seeded databases")
    return asyncio.run(main_async(parser.parse_args(argv)))
