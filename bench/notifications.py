"""Message-center figures: likes turned into notifications, one hot group against many, and
how soon a subscriber hears.

``python -m bench.notifications [--events 100] [--rounds 2] [--live 50] [--core 1]``

The process pins itself to ``--core`` (MariaDB and Redis run elsewhere) and
works on a fresh database (``beyond_bench_notifications``, dropped and
migrated) and a fresh Redis prefix. Each round writes ``--events``
contract-shaped ``LikeAdded`` events into the engagement stream and times one
consumer (batches of 16, one transaction per event) until it has handled
them all, for two workloads in alternating order:

- ``hot``: every like is of one article by a different member: one group, so
  every event waits for the same row lock and moves the same notification;
- ``spread``: every like is of a different article: a group each.

Then ``live``: one subscriber listens for the owner while the consumer runs
as a worker; ``--live`` likes are written one at a time, each timed from its
``XADD`` until the subscriber's inbox is woken (handled, committed,
published, received). Medians of the rounds are printed, then the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import Sequence

from sqlalchemy import create_engine, pool, text
from sqlalchemy.engine import make_url

from shared.db import utcnow
from shared.events import Consumer, event_stream
from shared.events.event import encode_payload, stream_entry
from shared.ids import UserId
from shared.lifecycle import running
from shared.migrations import ensure_database, sync_url, upgrade
from subgraphs.notifications.consumers import notification_consumers
from subgraphs.notifications.domain import SPEC
from subgraphs.notifications.runtime import NotificationsRuntime, build_runtime
from subgraphs.notifications.settings import NotificationsSettings

DATABASE = "mysql+aiomysql://root:@127.0.0.1:3306/beyond_bench_notifications?charset=utf8mb4"
OWNER = 1


def fresh_database(url: str) -> None:
    parsed = sync_url(url)
    server = create_engine(parsed.set(database=""), poolclass=pool.NullPool)
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS `{parsed.database}`"))
    server.dispose()
    ensure_database(url)
    upgrade(url, SPEC.migrations)


def like(liker: int, article: int) -> dict[str, str]:
    payload = {
        "userId": liker,
        "subjectKind": "ARTICLE",
        "subjectId": article,
        "subjectOwnerId": OWNER,
        "at": utcnow().isoformat(),
    }
    return stream_entry(
        event_id=str(uuid.uuid4()),
        event_type="LikeAdded",
        aggregate_type="like",
        aggregate_id=str(liker),
        payload=encode_payload(payload),
        occurred_at=utcnow(),
    )


async def write(runtime: NotificationsRuntime, entries: Sequence[dict[str, str]]) -> None:
    stream = event_stream(runtime.settings.redis_prefix, "engagement")
    async with runtime.redis.pipeline(transaction=False) as pipe:
        for entry in entries:
            pipe.xadd(stream, entry)  # type: ignore[arg-type]
        await pipe.execute()


def engagement_consumer(runtime: NotificationsRuntime) -> Consumer:
    consumers = notification_consumers(
        runtime.service, runtime.database, runtime.redis, prefix=runtime.settings.redis_prefix
    )
    return next(c for c in consumers if c.stream.endswith(":engagement"))


async def handle_all(consumer: Consumer, count: int) -> tuple[float, float]:
    """Events handled per second until ``count`` are, and this process's CPU ms per event."""
    started, cpu = time.perf_counter(), time.process_time()
    handled = 0
    while handled < count:
        handled += await consumer.poll()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return count / elapsed, cpu * 1000 / count


async def throughput(
    runtime: NotificationsRuntime, consumer: Consumer, workload: str, events: int, base: int
) -> tuple[float, float]:
    if workload == "hot":
        entries = [like(base + n, base) for n in range(events)]
    else:
        entries = [like(base + n, base + n) for n in range(events)]
    await write(runtime, entries)
    return await handle_all(consumer, events)


async def live_latencies(runtime: NotificationsRuntime, count: int, base: int) -> list[float]:
    consumer = engagement_consumer(runtime)
    await consumer.ensure_group()
    latencies = []
    async with running([consumer]), runtime.live.listen(UserId(OWNER)) as inbox:
        for n in range(count):
            started = time.perf_counter()
            await write(runtime, [like(base + n, base + n)])
            await asyncio.wait_for(inbox.wait(), 10)
            latencies.append((time.perf_counter() - started) * 1000)
            inbox.take()
    return latencies


async def run(args: argparse.Namespace) -> int:
    fresh_database(args.database)
    settings = NotificationsSettings(
        notifications_database_url=args.database,
        redis_url=args.redis,
        redis_prefix=f"bench:{uuid.uuid4().hex[:8]}:",
        jwt_secret="bench-secret-that-is-at-least-32-bytes",
    )
    runtime = build_runtime(settings)
    try:
        consumer = engagement_consumer(runtime)
        await consumer.ensure_group()
        rates: dict[str, list[float]] = {"hot": [], "spread": []}
        cpu: dict[str, list[float]] = {"hot": [], "spread": []}
        base = 1_000_000
        for round_ in range(args.rounds):
            order = ["hot", "spread"] if round_ % 2 == 0 else ["spread", "hot"]
            for workload in order:
                base += 1_000_000
                rate, ms = await throughput(runtime, consumer, workload, args.events, base)
                rates[workload].append(rate)
                cpu[workload].append(ms)
                print(
                    f"round {round_ + 1} {workload:>6}: {rate:6.0f} events/s, "
                    f"{ms:.2f} CPU ms/event",
                    flush=True,
                )
        for workload in ("hot", "spread"):
            print(
                f"median {workload:>6}: {statistics.median(rates[workload]):6.0f} events/s, "
                f"{statistics.median(cpu[workload]):.2f} CPU ms/event"
            )
        ratio = statistics.median(rates["hot"]) / statistics.median(rates["spread"])
        print(f"hot/spread events/s: {ratio:.2f}")
        latencies = sorted(await live_latencies(runtime, args.live, base + 1_000_000))
        p50 = latencies[len(latencies) // 2]
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(
            f"live: XADD to subscriber woken, {len(latencies)} likes: "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms"
        )
    finally:
        keys = [key async for key in runtime.redis.scan_iter(f"{settings.redis_prefix}*")]
        if keys:
            await runtime.redis.delete(*keys)
        await runtime.aclose()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.notifications", description=__doc__)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--live", type=int, default=50)
    parser.add_argument("--core", type=int, default=1, help="the core this process runs on")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, {args.core})
    make_url(args.database)  # refuse a malformed URL before dropping anything
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
