"""Seeding the benchmark's data straight into the accounts, social and articles databases.

Fresh databases (``<prefix>_accounts`` …) are created and migrated, then
filled with multi-row INSERTs through pymysql (``executemany`` batches them):
users, follow edges with their counters, and published articles spread over
the last 30 days. User 1 is the *star*: exactly ``star_followers`` users
(2, 3, …) follow it, and it has no articles yet, so the fan-out measured
later is of a publish to exactly that many followers. The other edges are
random distinct pairs among the remaining users.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pymysql
from sqlalchemy.engine import URL

from shared.migrations import upgrade

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = {
    name: ROOT / "subgraphs" / name / "migrations" for name in ("accounts", "social", "articles")
}
STAR = 1
_CHUNK = 5000


@dataclass(frozen=True)
class Sizes:
    users: int = 10_000
    follows: int = 100_000
    articles: int = 50_000
    star_followers: int = 5_000


def database_urls(server: URL, prefix: str) -> dict[str, URL]:
    return {name: server.set(database=f"{prefix}_{name}") for name in MIGRATIONS}


def _connect(url: URL) -> pymysql.Connection[pymysql.cursors.Cursor]:
    return pymysql.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        database=url.database or None,
        autocommit=False,
        charset="utf8mb4",
    )


def _recreate(urls: dict[str, URL]) -> None:
    server = next(iter(urls.values())).set(database="")
    connection = _connect(server)
    with connection.cursor() as cursor:
        for url in urls.values():
            cursor.execute(f"DROP DATABASE IF EXISTS `{url.database}`")
    connection.close()
    for name, url in urls.items():
        upgrade(url, MIGRATIONS[name])


def _insert(url: URL, statement: str, rows: list[tuple[object, ...]]) -> None:
    connection = _connect(url)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            cursor.executemany(statement, rows[start : start + _CHUNK])
    connection.commit()
    connection.close()


def seed(urls: dict[str, URL], sizes: Sizes, *, rng: random.Random) -> dict[str, float]:
    """Create and fill the three databases; return the seconds each step took."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    _recreate(urls)
    timings["migrate"] = time.perf_counter() - started
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)

    started = time.perf_counter()
    users = [
        (i, f"user{i}", "", rng.randbytes(32), f"bench-{i}", "!unusable", now, now)
        for i in range(1, sizes.users + 1)
    ]
    _insert(
        urls["accounts"],
        "INSERT INTO users (id, nickname, bio, mobile_cipher, mobile_index, password_hash, "
        "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        users,
    )
    timings["users"] = time.perf_counter() - started

    started = time.perf_counter()
    edges = {(follower, STAR) for follower in range(2, sizes.star_followers + 2)}
    while len(edges) < sizes.follows:
        follower, followee = rng.randint(2, sizes.users), rng.randint(2, sizes.users)
        if follower != followee:
            edges.add((follower, followee))
    follows = [
        (follower, followee, now - timedelta(seconds=rng.randint(0, 60 * 86400)))
        for follower, followee in sorted(edges)
    ]
    _insert(
        urls["social"],
        "INSERT INTO follows (follower_id, followee_id, created_at) VALUES (%s, %s, %s)",
        follows,
    )
    followers = Counter(followee for _, followee in edges)
    following = Counter(follower for follower, _ in edges)
    _insert(
        urls["social"],
        "INSERT INTO follow_counts (user_id, follower_count, following_count) VALUES (%s, %s, %s)",
        [(u, followers[u], following[u]) for u in range(1, sizes.users + 1)],
    )
    timings["follows"] = time.perf_counter() - started

    started = time.perf_counter()
    body = "Long-form words about federation, feeds and timelines. " * 8
    articles = []
    for n in range(sizes.articles):
        published = now - timedelta(seconds=rng.randint(0, 30 * 86400))
        articles.append(
            (
                rng.randint(2, sizes.users),
                f"Article {n}",
                body,
                body[:140],
                "PUBLISHED",
                published,
                published,
                published,
                0,
            )
        )
    _insert(
        urls["articles"],
        "INSERT INTO articles (author_id, title, content, summary, status, published_at, "
        "created_at, updated_at, view_count) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
        articles,
    )
    timings["articles"] = time.perf_counter() - started
    return timings
