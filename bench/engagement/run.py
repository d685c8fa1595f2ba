"""The engagement benchmark: ``python -m bench.engagement [--storm S] [--page S] [--clients N]``.

1. Fresh MariaDB databases for accounts, social, articles and engagement;
   each served by ``beyond serve`` in its own process (relays, consumers,
   the like-count consumer), engagement pinned to its own core with
   ``taskset``, and the router over the supergraph from ``schema/subgraphs/``.
2. A member publishes an article; 20 members comment on it and each comment
   gets 3 replies (all through the router).
3. **Like storm**: ``--clients`` members (200) each like and unlike the
   article in turn for ``--storm`` seconds (20): likes/s (mutations per
   second), p50/p99; the ``UPDATE`` statements the count consumer issued and
   the events it counted (its stats in Redis); the lag from the last like to
   the moment every like and unlike is folded and the stored count equals
   the like rows.
4. **Article page**: ``--page-clients`` clients (50) read the article with
   its author, counts and 20 comments with their replies and authors for
   ``--page`` seconds (10): requests/s, p50/p99.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pymysql
from redis.asyncio import Redis
from sqlalchemy.engine import URL, make_url

from bench.feed.run import machine, percentile
from beyond.domains import discover
from composition import SubgraphSDL, compose
from shared.migrations import upgrade
from shared.settings import CommonSettings
from shared.tokens import AccessTokens

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("accounts", "social", "articles", "engagement")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


ROUTER_PORT = _free_port()
HTTP_PORTS = {name: _free_port() for name in DOMAINS}
GRPC_PORTS = {"accounts": _free_port(), "social": _free_port()}
REDIS_PREFIX = "beyondbench-engagement:"
PINNED = {"engagement": "1"}
"""Cores the process under test runs on; the others share core 0."""

PUBLISH = """mutation { publishArticle(input: {title: "Storm", content: "Like me.", tags: ["bench"]}) { id } }"""
LIKE = "mutation($id: ID!) { like(target: {kind: ARTICLE, id: $id}) { likeCount } }"
UNLIKE = "mutation($id: ID!) { unlike(target: {kind: ARTICLE, id: $id}) { likeCount } }"
COMMENT = """mutation($kind: EngagementTargetKind!, $id: ID!, $body: String!) {
  comment(target: {kind: $kind, id: $id}, body: $body) { id } }"""
PAGE = """query($id: ID!) { article(id: $id) {
  title author { nickname } likeCount viewerHasLiked commentCount
  comments(first: 20) { totalCount edges { node {
    body author { nickname } likeCount replyCount
    replies(first: 3) { edges { node { body author { nickname } replyTo { nickname } } } } } } } } }"""


def recreate(server: URL, prefix: str) -> dict[str, URL]:
    urls = {name: server.set(database=f"{prefix}_{name}") for name in DOMAINS}
    connection = pymysql.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 3306,
        user=server.username or "root",
        password=server.password or "",
    )
    with connection.cursor() as cursor:
        for url in urls.values():
            cursor.execute(f"DROP DATABASE IF EXISTS `{url.database}`")
    connection.close()
    specs = discover()
    for name, url in urls.items():
        upgrade(url, specs[name].migrations)
    return urls


def environment(urls: dict[str, URL], redis_url: str, secret: str) -> dict[str, str]:
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
            "BEYOND_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
            "BEYOND_LOG_LEVEL": "WARNING",
            "BEYOND_ACCOUNTS_GRPC_TARGET": f"127.0.0.1:{GRPC_PORTS['accounts']}",
            "BEYOND_SOCIAL_GRPC_TARGET": f"127.0.0.1:{GRPC_PORTS['social']}",
            "BEYOND_COMMENT_RATE_LIMIT": "1000",
            # 200 clients queue for 15 pooled connections: let them wait rather than fail.
            "BEYOND_DATABASE_CHECKOUT_TIMEOUT": "30",
            "BEYOND_DATABASE_CONNECT_TIMEOUT": "10",
            "BEYOND_DATABASE_TRANSACTION_TIMEOUT": "30",
            # Never called: nobody signs up by SMS here.
            "BEYOND_SMS_PROVIDER": "webhook",
            "BEYOND_SMS_WEBHOOK_URL": "http://127.0.0.1:9/sms",
            "GRPC_VERBOSITY": "ERROR",
        }
    )
    return env


def supergraph(path: Path) -> Path:
    sources = [
        SubgraphSDL(
            name,
            f"http://127.0.0.1:{port}/graphql",
            (ROOT / "schema" / "subgraphs" / f"{name}.graphql").read_text(),
        )
        for name, port in HTTP_PORTS.items()
    ]
    result = compose(sources)
    assert result.supergraph_sdl is not None, result.errors
    path.write_text(result.supergraph_sdl)
    return path


def _pinned(name: str, command: list[str]) -> list[str]:
    if shutil.which("taskset") is None:
        return command
    return ["taskset", "-c", PINNED.get(name, "0"), *command]


@contextmanager
def processes(env: dict[str, str], supergraph_path: Path) -> Iterator[None]:
    commands = [
        _pinned(
            name,
            [
                sys.executable,
                "-m",
                "beyond.cli",
                "serve",
                name,
                "--port",
                str(port),
                *(["--grpc-port", str(GRPC_PORTS[name])] if name in GRPC_PORTS else []),
            ],
        )
        for name, port in HTTP_PORTS.items()
    ]
    commands.append(
        _pinned(
            "router",
            [
                sys.executable,
                "-m",
                "beyond.cli",
                "router",
                "--supergraph",
                str(supergraph_path),
                "--listen",
                f"127.0.0.1:{ROUTER_PORT}",
                "--log-level",
                "WARNING",
            ],
        )
    )
    logs = supergraph_path.parent
    started = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(logs / f"{name}.log").open("w"),
        )
        for name, command in zip([*HTTP_PORTS, "router"], commands, strict=True)
    ]
    try:
        yield
    except BaseException:
        for name in [*HTTP_PORTS, "router"]:
            errors = [
                line
                for line in (logs / f"{name}.log").read_text().splitlines()
                if "ERROR" in line or "Traceback" in line
            ]
            print(f"{name}: {len(errors)} error lines", *errors[-3:], sep="\n  ", file=sys.stderr)
        raise
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


async def graphql(
    session: aiohttp.ClientSession, query: str, token: str | None = None, **variables: Any
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with session.post(
        f"http://127.0.0.1:{ROUTER_PORT}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
    ) as response:
        return await response.json()


async def attempt(
    session: aiohttp.ClientSession,
    errors: Counter[str],
    query: str,
    token: str | None = None,
    **variables: Any,
) -> None:
    """Send one operation; count a failed answer in ``errors`` by each error's code, or by
    the exception when the request failed on the way."""
    try:
        body = await graphql(session, query, token, **variables)
    except aiohttp.ClientError as exc:
        errors[type(exc).__name__] += 1
        return
    if "errors" in body:
        errors.update({e.get("extensions", {}).get("code", e["message"]) for e in body["errors"]})


async def until_ok(session: aiohttp.ClientSession, query: str, token: str, **variables: Any) -> Any:
    """The first answer without errors: a new article reaches engagement by event."""
    deadline = time.monotonic() + 30
    while "errors" in (body := await graphql(session, query, token, **variables)):
        if time.monotonic() > deadline:
            raise RuntimeError(body["errors"])
        await asyncio.sleep(0.05)
    return body["data"]


async def members(env: dict[str, str], count: int) -> list[int]:
    """Create ``count`` members in accounts, in this process on its database; return their ids."""
    spec = discover()["accounts"]
    fields = spec.settings.model_fields
    settings = spec.settings(
        **{
            name: value
            for key, value in env.items()
            if key.startswith("BEYOND_") and (name := key.removeprefix("BEYOND_").lower()) in fields
        }
    )
    runtime = spec.build_runtime(settings)
    ids = []
    try:
        for n in range(count):
            # One transaction each: hashing a password takes a while.
            async with runtime.database.transaction() as session:
                user = await runtime.service.create_user(  # type: ignore[attr-defined]
                    f"1390000{n:04d}", "bench2026pass", f"Reader{n}", session=session
                )
                ids.append(int(user.id))
    finally:
        await runtime.aclose()
    return ids


def stored_likes(url: URL, article: int) -> tuple[int, int]:
    """(the stored count, the like rows) of the article, read from the database."""
    connection = pymysql.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        database=url.database,
        autocommit=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT like_count FROM subjects WHERE kind = 'ARTICLE' AND id = %s", (article,)
        )
        stored = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT COUNT(*) FROM likes WHERE subject_kind = 'ARTICLE' AND subject_id = %s",
            (article,),
        )
        rows = int(cursor.fetchone()[0])
    connection.close()
    return stored, rows


async def storm(
    session: aiohttp.ClientSession, tokens: list[str], article: str, duration: float
) -> tuple[list[float], Counter[str], float]:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    stop_at = time.monotonic() + duration

    async def client(token: str) -> None:
        liked = False
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            await attempt(session, errors, UNLIKE if liked else LIKE, token, id=article)
            latencies.append(time.perf_counter() - started)
            liked = not liked

    started = time.monotonic()
    await asyncio.gather(*(client(token) for token in tokens))
    return latencies, errors, time.monotonic() - started


async def page_load(
    session: aiohttp.ClientSession, token: str, article: str, clients: int, duration: float
) -> tuple[list[float], Counter[str], float]:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    stop_at = time.monotonic() + duration

    async def client() -> None:
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            await attempt(session, errors, PAGE, token, id=article)
            latencies.append(time.perf_counter() - started)

    started = time.monotonic()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.monotonic() - started


def figures(
    prefix: str, latencies: list[float], errors: Counter[str], elapsed: float
) -> dict[str, Any]:
    return {
        f"{prefix}_requests": len(latencies),
        f"{prefix}_errors": dict(errors),
        f"{prefix}_per_s": round(len(latencies) / elapsed, 1),
        f"{prefix}_p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        f"{prefix}_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
    }


async def main_async(args: argparse.Namespace) -> int:
    urls = recreate(make_url(args.mysql_url), args.database_prefix)
    redis = Redis.from_url(args.redis_url, decode_responses=True)
    stale = [key async for key in redis.scan_iter(match=f"{REDIS_PREFIX}*", count=1000)]
    for start in range(0, len(stale), 1000):
        await redis.delete(*stale[start : start + 1000])
    secret = secrets.token_urlsafe(48)
    env = environment(urls, args.redis_url, secret)
    tokens = AccessTokens.from_settings(CommonSettings(jwt_secret=secret))
    people = [tokens.issue(str(id_)) for id_ in await members(env, 21)]
    author, commenters = people[0], people[1:]
    likers = [tokens.issue(str(10**6 + n)) for n in range(args.clients)]
    stats_key = f"{REDIS_PREFIX}engagement:{{likes}}:stats"
    results: dict[str, Any] = {
        "load_average_1m_before": round(os.getloadavg()[0], 2),
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "like_clients": args.clients,
        "page_clients": args.page_clients,
    }
    with (
        tempfile.TemporaryDirectory() as scratch,
        processes(env, supergraph(Path(scratch) / "supergraph.graphql")),
    ):
        # Idle connections are dropped before uvicorn's 5 s keep-alive closes them under us.
        connector = aiohttp.TCPConnector(
            limit=max(args.clients, args.page_clients), keepalive_timeout=4
        )
        async with aiohttp.ClientSession(connector=connector) as session:
            await wait_ready(session)
            article = (await graphql(session, PUBLISH, author))["data"]["publishArticle"]["id"]
            for n, token in enumerate(commenters):
                made = await until_ok(
                    session, COMMENT, token, kind="ARTICLE", id=article, body=f"Comment {n}"
                )
                for r in range(3):
                    replier = commenters[(n + r + 1) % len(commenters)]
                    await graphql(
                        session,
                        COMMENT,
                        replier,
                        kind="COMMENT",
                        id=made["comment"]["id"],
                        body=f"Reply {r}",
                    )
            before = {k: int(v) for k, v in (await redis.hgetall(stats_key)).items()}
            latencies, errors, elapsed = await storm(session, likers, article, args.storm)
            last_like = time.monotonic()
            results.update(figures("likes", latencies, errors, elapsed))
            changes = len(latencies) - sum(errors.values())
            while True:
                stored, rows = stored_likes(urls["engagement"], int(article))
                counted = int(await redis.hget(stats_key, "events") or 0)
                # Every like and unlike folded, and the stored count equal to the rows.
                if stored == rows and counted - before.get("events", 0) >= changes:
                    break
                if time.monotonic() - last_like > 60:
                    raise RuntimeError(f"stored {stored} != {rows} like rows after 60 s")
                await asyncio.sleep(0.01)
            results["lag_to_flushed_count_ms"] = round((time.monotonic() - last_like) * 1000, 1)
            after = {k: int(v) for k, v in (await redis.hgetall(stats_key)).items()}
            results["count_events"] = after.get("events", 0) - before.get("events", 0)
            results["count_batches"] = after.get("batches", 0) - before.get("batches", 0)
            results["count_updates"] = after.get("updates", 0) - before.get("updates", 0)
            results["final_like_rows"] = rows
            print(json.dumps(results, indent=2), flush=True)

            sample = await graphql(session, PAGE, author, id=article)
            assert "errors" not in sample, sample["errors"]
            comments = sample["data"]["article"]["comments"]["edges"]
            assert len(comments) == 20 and all(
                len(c["node"]["replies"]["edges"]) == 3 for c in comments
            ), sample
            latencies, errors, elapsed = await page_load(
                session, author, article, args.page_clients, args.page
            )
            results.update(figures("page", latencies, errors, elapsed))
    await redis.aclose()
    print(json.dumps(results, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.engagement", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--mysql-url", default="mysql+aiomysql://root:@127.0.0.1:3306/?charset=utf8mb4"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--database-prefix", default="beyond_bench_engagement")
    parser.add_argument("--clients", type=int, default=200, help="clients in the like storm")
    parser.add_argument("--storm", type=float, default=20.0, help="seconds of the like storm")
    parser.add_argument("--page-clients", type=int, default=50)
    parser.add_argument("--page", type=float, default=10.0, help="seconds of article page reads")
    return asyncio.run(main_async(parser.parse_args(argv)))
