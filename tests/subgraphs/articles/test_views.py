"""View counts: buffered in Redis, flushed after N views or T ms, exactly once, and at shutdown."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from subgraphs.articles.models import Article
from subgraphs.articles.views import ViewCounter, ViewFlusher
from tests.subgraphs.articles.conftest import Articles, outbox_of
from tests.support.graphql import error_of

VIEW = "mutation($id: ID!) { recordArticleView(id: $id) { id viewCount } }"
VIEW_COUNT = "query($id: ID!) { article(id: $id) { viewCount } }"


async def _flushed(articles: Articles, article_id: str) -> int:
    async with articles.runtime.database.transaction() as session:
        count = await session.scalar(
            select(Article.view_count).where(Article.id == int(article_id))
        )
    return int(count or 0)


async def _eventually(check: Callable[[], Any], expected: object, within: float = 3.0) -> None:
    deadline = time.monotonic() + within
    while (value := await check()) != expected:
        assert time.monotonic() < deadline, f"still {value!r}, expected {expected!r}"
        await asyncio.sleep(0.02)


async def _view(articles: Articles, article_id: str, times: int) -> None:
    for _ in range(times):
        await articles.data(VIEW, id=article_id)


@pytest.mark.sqlite
async def test_the_nth_view_triggers_a_flush(articles_factory: Callable[..., Any]) -> None:
    articles: Articles = await articles_factory(view_flush_views=5, view_flush_interval_ms=60_000)
    [ada] = await articles.users(1)
    article = (await articles.publish(ada))["id"]
    flusher: ViewFlusher = articles.runtime.flusher
    await flusher.start()
    try:
        await _view(articles, article, 4)
        await asyncio.sleep(0.2)
        assert await _flushed(articles, article) == 0  # 4 < N and T is far away
        assert (await articles.data(VIEW_COUNT, id=article))["article"]["viewCount"] == 4
        await _view(articles, article, 1)
        await _eventually(lambda: _flushed(articles, article), 5)
        assert (await articles.data(VIEW_COUNT, id=article))["article"]["viewCount"] == 5
    finally:
        await flusher.stop()


async def test_views_are_flushed_every_t_milliseconds(articles_factory: Callable[..., Any]) -> None:
    articles: Articles = await articles_factory(view_flush_views=1000, view_flush_interval_ms=100)
    [ada] = await articles.users(1)
    article = (await articles.publish(ada))["id"]
    flusher: ViewFlusher = articles.runtime.flusher
    await flusher.start()
    try:
        await _view(articles, article, 3)
        await _eventually(lambda: _flushed(articles, article), 3, within=1.0)
    finally:
        await flusher.stop()


@pytest.mark.sqlite
async def test_a_clean_stop_flushes_what_is_buffered(articles_factory: Callable[..., Any]) -> None:
    articles: Articles = await articles_factory(
        view_flush_views=1000, view_flush_interval_ms=60_000
    )
    [ada] = await articles.users(1)
    article = (await articles.publish(ada))["id"]
    flusher: ViewFlusher = articles.runtime.flusher
    await flusher.start()
    await _view(articles, article, 7)
    assert await _flushed(articles, article) == 0
    await flusher.stop()
    assert await _flushed(articles, article) == 7
    # The app's lifespan flushes too, for processes that run no flusher worker.
    await _view(articles, article, 2)
    async with articles.app.router.lifespan_context(articles.app):
        pass
    assert await _flushed(articles, article) == 9


async def test_concurrent_views_and_flushes_count_exactly(
    articles_factory: Callable[..., Any],
) -> None:
    articles: Articles = await articles_factory(view_flush_views=7, view_flush_interval_ms=20)
    [ada] = await articles.users(1)
    ids = [(await articles.publish(ada))["id"] for _ in range(3)]
    counter: ViewCounter = articles.runtime.views
    # A second flusher over the same buffer, as another replica would run.
    other = ViewFlusher(
        counter,
        articles.runtime.database,
        interval=0.01,
        on_flushed=articles.runtime.service.invalidate,
    )
    flusher: ViewFlusher = articles.runtime.flusher
    await flusher.start()
    await other.start()
    try:
        for wave in range(12):  # 50 at a time: the connection pool's size
            await asyncio.gather(*(counter.record(int(ids[i % 3])) for i in range(wave, 600, 12)))
    finally:
        await other.stop()
        await flusher.stop()
    assert [await _flushed(articles, i) for i in ids] == [200, 200, 200]
    # Each flush announced what it wrote, so the events add up to the counts exactly.
    for article_id in ids:
        counted = [
            p for t, p in await outbox_of(articles, article_id) if t == "ArticleViewsCounted"
        ]
        assert sum(p["views"] for p in counted) == 200
        assert {p["articleId"] for p in counted} == {int(article_id)}


async def test_a_batch_applied_before_a_crash_is_not_applied_again(articles: Articles) -> None:
    [ada] = await articles.users(1)
    article = (await articles.publish(ada))["id"]
    counter: ViewCounter = articles.runtime.views
    flusher: ViewFlusher = articles.runtime.flusher
    for _ in range(3):
        await counter.record(int(article))
    batch = await counter.take()
    assert batch is not None
    forget = counter.forget

    async def crash(_: str) -> None:
        raise ConnectionError("the process died before forgetting the batch")

    counter.forget = crash  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await flusher.flush()
    counter.forget = forget  # type: ignore[method-assign]
    assert await _flushed(articles, article) == 3
    assert await counter.pending() == [batch]
    await counter.record(int(article))
    await flusher.flush()
    assert await _flushed(articles, article) == 4
    assert await counter.pending() == []


async def test_only_published_articles_count_views(articles: Articles) -> None:
    [ada] = await articles.users(1)
    draft = await articles.publish(ada, draft=True)
    error = error_of(await articles.execute(VIEW, id=draft["id"]))
    assert error["extensions"]["code"] == "NOT_FOUND"
