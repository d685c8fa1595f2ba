"""Like counts aggregated through the queue: batched, visible at once, never lost or doubled."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from shared.events import OutboxRelay, event_stream
from subgraphs.engagement.counts import LikeCountConsumer
from subgraphs.engagement.models import EVENT_TABLES, Like, Subject
from subgraphs.engagement.rules import Kind
from subgraphs.engagement.runtime import EngagementRuntime, like_count_consumer
from tests.subgraphs.engagement.conftest import LIKE, UNLIKE, Engagement, add_subjects, new_id

ROOT = Path(__file__).resolve().parents[3]
KILLS = 6


async def truth(runtime: EngagementRuntime, ids: Iterable[int]) -> dict[int, int]:
    """What the like rows say."""
    async with runtime.database.transaction() as session:
        rows = await session.execute(
            select(Like.subject_id, func.count())
            .where(Like.subject_kind == Kind.ARTICLE.value, Like.subject_id.in_(list(ids)))
            .group_by(Like.subject_id)
        )
        return {int(id_): int(count) for id_, count in rows}


async def stored(runtime: EngagementRuntime, ids: Iterable[int]) -> dict[int, int]:
    async with runtime.database.transaction() as session:
        rows = await session.execute(
            select(Subject.id, Subject.like_count).where(
                Subject.kind == Kind.ARTICLE.value, Subject.id.in_(list(ids))
            )
        )
        return {int(id_): int(count) for id_, count in rows if count}


async def pending(runtime: EngagementRuntime, ids: list[int]) -> dict[int, int]:
    found = await runtime.service.pending.pending([(Kind.ARTICLE, id_) for id_ in ids])
    return {id_: count for (_, id_), count in found.items() if count}


async def publish(runtime: EngagementRuntime) -> None:
    """Move the outbox to the stream, as the relay worker does."""
    relay = OutboxRelay(
        runtime.database,
        runtime.redis,
        stream=event_stream(runtime.settings.redis_prefix, "engagement"),
    )
    while await relay.step():
        pass


async def drain(consumer: LikeCountConsumer) -> None:
    """Step until the stream is read and every buffered event written."""
    for _ in range(200):
        if not await consumer.step() and not await consumer.flush():
            return
    raise AssertionError("the consumer did not drain")


async def die_after_commit(runtime: EngagementRuntime) -> None:
    """A consumer writes what is on the stream and dies before settling it in Redis."""
    dying = like_count_consumer(runtime, member="dies-after-commit")
    settle = runtime.service.pending.settle

    async def die(*_args: object, **_kwargs: object) -> bool:
        raise ConnectionError("the process died here")

    runtime.service.pending.settle = die  # type: ignore[method-assign]
    try:
        with contextlib.suppress(ConnectionError):
            await drain(dying)
    finally:
        runtime.service.pending.settle = settle  # type: ignore[method-assign]


async def test_a_like_counts_at_once_and_batches_are_a_few_updates(engagement: Engagement) -> None:
    runtime = engagement.runtime
    [article] = await add_subjects(runtime, Kind.ARTICLE)
    users = [str(new_id()) for _ in range(120)]
    for user in users:
        await engagement.execute(LIKE, user, kind="ARTICLE", id=str(article))
    # Nothing flushed yet: the count is all pending, and readers see it.
    assert await stored(runtime, [article]) == {}
    read = await engagement.execute(LIKE, users[0], kind="ARTICLE", id=str(article))
    assert read["data"]["like"] == {"likeCount": 120, "viewerHasLiked": True}

    await publish(runtime)
    consumer = like_count_consumer(runtime)
    before = await runtime.service.pending.stats()
    await drain(consumer)
    after = await runtime.service.pending.stats()
    assert await stored(runtime, [article]) == {article: 120}
    assert await pending(runtime, [article]) == {}
    # The outbox is shared by the session's tests: others' unsent events may ride along.
    assert after.get("events", 0) - before.get("events", 0) >= 120
    # 120 events or a few more, 500 per batch at most: a handful of UPDATEs, not 120.
    assert 1 <= after["updates"] - before.get("updates", 0) <= 4


async def test_killing_the_consumer_mid_batch_loses_and_doubles_nothing(
    engagement: Engagement,
) -> None:
    runtime = engagement.runtime
    articles = await add_subjects(runtime, Kind.ARTICLE, 5)
    settings = runtime.settings.model_copy(
        update={"like_flush_events": 7, "like_flush_interval_ms": 20, "like_claim_idle": 0.05}
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    for name in (
        "engagement_database_url",
        "redis_url",
        "redis_prefix",
        "jwt_secret",
        "like_flush_events",
        "like_flush_interval_ms",
        "like_claim_idle",
    ):
        value = getattr(settings, name)
        secret = getattr(value, "get_secret_value", None)
        env[f"BEYOND_{name.upper()}"] = str(secret() if secret else value)

    # Likes and unlikes keep coming (and reaching the stream) while consumers are killed.
    stop = asyncio.Event()

    async def member(seed: int) -> None:
        rng, user = random.Random(seed), str(new_id())
        while not stop.is_set():
            mutation = rng.choice([LIKE, LIKE, UNLIKE])
            await engagement.execute(mutation, user, kind="ARTICLE", id=str(rng.choice(articles)))

    async def relay() -> None:
        while not stop.is_set():
            await publish(runtime)
            await asyncio.sleep(0.05)

    storm = asyncio.gather(*(member(seed) for seed in range(10)), relay())
    rng = random.Random(3)
    killed = 0
    for round_ in range(KILLS):
        # A real process, killed without warning: its connections drop, its transaction
        # rolls back on the server, its read entries stay pending in the group.
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.subgraphs.engagement.count_consumer_process",
            f"killed-{round_}",
            env=env,
            cwd=ROOT,
        )
        await asyncio.sleep(rng.uniform(1.0, 2.5))  # start-up takes about a second
        process.kill()
        await process.wait()
        killed += 1
        await asyncio.sleep(0.06)  # the dead member's entries become claimable
    stop.set()
    await storm
    await publish(runtime)
    expected = await truth(runtime, articles)
    # A batch the last killed consumer committed and did not settle counts twice until the
    # next consumer settles it, the first thing it does.
    final = like_count_consumer(replace(runtime, settings=settings))
    await final.settle_leftovers()
    # Readers see every committed like, flushed or not.
    shown = await stored(runtime, articles)
    for article, count in (await pending(runtime, articles)).items():
        shown[article] = shown.get(article, 0) + count
    assert {k: v for k, v in shown.items() if v} == {k: v for k, v in expected.items() if v}

    await drain(final)
    await asyncio.sleep(0.06)
    await drain(final)
    assert killed == KILLS
    assert await stored(runtime, articles) == {k: v for k, v in expected.items() if v}
    assert await pending(runtime, articles) == {}


async def test_a_batch_committed_but_not_settled_is_settled_by_the_next_consumer(
    engagement: Engagement,
) -> None:
    runtime = engagement.runtime
    [article] = await add_subjects(runtime, Kind.ARTICLE)
    for _ in range(4):
        await engagement.execute(LIKE, str(new_id()), kind="ARTICLE", id=str(article))
    await publish(runtime)

    await die_after_commit(runtime)
    # Written and still pending: counted twice until settled.
    assert await stored(runtime, [article]) == {article: 4}
    assert await pending(runtime, [article]) == {article: 4}

    settings = runtime.settings.model_copy(update={"like_claim_idle": 0.01})
    second = like_count_consumer(replace(runtime, settings=settings))
    await asyncio.sleep(0.02)
    await drain(second)
    assert await stored(runtime, [article]) == {article: 4}
    assert await pending(runtime, [article]) == {}


async def test_a_live_consumer_settles_a_batch_another_left_once_it_is_claim_idle_old(
    engagement: Engagement,
) -> None:
    """With another replica running, a crash after a commit does not leave the count high."""
    runtime = engagement.runtime
    settings = runtime.settings.model_copy(update={"like_claim_idle": 0.2})
    live = like_count_consumer(replace(runtime, settings=settings), member="live")
    await drain(live)  # started, with others' leftovers settled
    [article] = await add_subjects(runtime, Kind.ARTICLE)
    for _ in range(3):
        await engagement.execute(LIKE, str(new_id()), kind="ARTICLE", id=str(article))
    await publish(runtime)

    await die_after_commit(runtime)
    assert await stored(runtime, [article]) == {article: 3}
    assert await pending(runtime, [article]) == {article: 3}

    # Younger than claim_idle, a batch is still its owner's to settle.
    assert await live.settle_leftovers(older_than=30) == 0
    assert await pending(runtime, [article]) == {article: 3}
    await asyncio.sleep(0.25)
    for _ in range(3):
        await live.step()
    assert await stored(runtime, [article]) == {article: 3}
    assert await pending(runtime, [article]) == {}


async def test_a_like_sent_twenty_times_at_once_is_one_like_and_one_event(
    engagement: Engagement,
) -> None:
    runtime = engagement.runtime
    [article] = await add_subjects(runtime, Kind.ARTICLE)
    user = str(new_id())
    answers = await asyncio.gather(
        *(engagement.execute(LIKE, user, kind="ARTICLE", id=str(article)) for _ in range(20))
    )
    assert all(answer["data"]["like"]["viewerHasLiked"] for answer in answers)
    outbox = EVENT_TABLES.outbox
    async with runtime.database.transaction() as session:
        events = await session.scalar(
            select(func.count())
            .select_from(outbox)
            .where(outbox.c.aggregate_id == f"ARTICLE:{article}")
        )
    assert await truth(runtime, [article]) == {article: 1} and events == 1
    assert await pending(runtime, [article]) == {article: 1}
