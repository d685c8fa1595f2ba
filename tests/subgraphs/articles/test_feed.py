"""The feed: pushed timelines, rebuilt when missing, pulled big authors, follows and deletes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest

from shared.domain import create_app
from shared.lifecycle import running
from shared.redis import create_redis
from subgraphs.articles.domain import SPEC
from subgraphs.articles.runtime import build_runtime, workers
from subgraphs.social.runtime import workers as social_workers
from tests.subgraphs.articles.conftest import Articles
from tests.support.graphql import GraphQLClient, error_of

FEED = """query($first: Int, $after: String) { feed(first: $first, after: $after) {
  edges { cursor node { id title author { id } } } pageInfo { hasNextPage endCursor } } }"""
DELETE = "mutation($id: ID!) { deleteArticle(id: $id) { id } }"


async def feed_ids(articles: Articles, reader: str, first: int = 20) -> list[str]:
    data = await articles.data(FEED, reader, first=first)
    return [edge["node"]["id"] for edge in data["feed"]["edges"]]


async def eventually(articles: Articles, reader: str, expected: list[str]) -> None:
    deadline = time.monotonic() + 5
    while (found := await feed_ids(articles, reader)) != expected:
        assert time.monotonic() < deadline, f"feed is {found}, expected {expected}"
        await asyncio.sleep(0.05)


@asynccontextmanager
async def event_workers(articles: Articles) -> AsyncIterator[None]:
    """Social's relay, and articles' relay, feed consumers and view flusher."""
    social = articles.social
    async with running([*social_workers(social.runtime), *workers(articles.runtime)]):
        yield


async def timeline(articles: Articles, reader: str) -> list[str]:
    key = articles.runtime.feed._timelines.key(int(reader))
    members = await articles.runtime.redis.zrevrange(key, 0, -1)
    return [str(int(m)) for m in members if m != "~"]


@pytest.mark.sqlite
async def test_a_missing_timeline_is_rebuilt_from_the_databases(articles: Articles) -> None:
    reader, author, stranger = await articles.users(3)
    await articles.social.follow(reader, author)
    mine = [(await articles.publish(author, title=f"t{n}"))["id"] for n in range(3)]
    await articles.publish(stranger)
    data = await articles.data(FEED, reader, first=2)
    page = data["feed"]
    assert [edge["node"]["id"] for edge in page["edges"]] == mine[::-1][:2]
    assert page["edges"][0]["node"]["author"] == {"id": author}
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await articles.data(FEED, reader, first=2, after=page["pageInfo"]["endCursor"])
    assert [edge["node"]["id"] for edge in rest["feed"]["edges"]] == [mine[0]]
    assert rest["feed"]["pageInfo"]["hasNextPage"] is False
    assert await timeline(articles, reader) == mine[::-1]


async def test_the_feed_needs_a_signed_in_reader(articles: Articles) -> None:
    error = error_of(await articles.execute(FEED))
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


async def test_publishing_pushes_into_followers_timelines(articles: Articles) -> None:
    reader, author = await articles.users(2)
    await articles.social.follow(reader, author)
    assert await feed_ids(articles, reader) == []  # builds the (empty) timeline
    async with event_workers(articles):
        article = (await articles.publish(author))["id"]
        await eventually(articles, reader, [article])
    assert await timeline(articles, reader) == [article]  # pushed, not rebuilt


async def test_following_brings_articles_in_and_unfollowing_takes_them_out(
    articles: Articles,
) -> None:
    reader, author = await articles.users(2)
    written = [(await articles.publish(author))["id"] for _ in range(2)]
    assert await feed_ids(articles, reader) == []
    async with event_workers(articles):
        await articles.social.follow(reader, author)
        await eventually(articles, reader, written[::-1])
        await articles.social.unfollow(reader, author)
        await eventually(articles, reader, [])


@pytest.mark.sqlite
async def test_a_deleted_article_leaves_the_feed_at_once(articles: Articles) -> None:
    reader, author = await articles.users(2)
    await articles.social.follow(reader, author)
    kept, deleted = [(await articles.publish(author))["id"] for _ in range(2)]
    assert await feed_ids(articles, reader) == [deleted, kept]
    await articles.data(DELETE, author, id=deleted)
    # No consumer ran: the read path itself skips what is no longer published.
    assert await feed_ids(articles, reader, first=1) == [kept]
    assert await timeline(articles, reader) == [deleted, kept]
    async with event_workers(articles):
        deadline = time.monotonic() + 5
        while await timeline(articles, reader) != [kept]:
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)


async def test_big_authors_are_pulled_at_read_time_and_merged(
    articles_factory: Callable[..., Any],
) -> None:
    articles: Articles = await articles_factory(feed_pull_threshold=2)
    reader, star, friend, *fans = await articles.users(5)
    for follower in (reader, *fans):
        await articles.social.follow(follower, star)
    await articles.social.follow(reader, friend)
    assert await feed_ids(articles, reader) == []
    async with event_workers(articles):
        first = (await articles.publish(star))["id"]
        await eventually(articles, reader, [first])
        feed = articles.runtime.feed
        deadline = time.monotonic() + 5
        while int(star) not in await feed.pulled_authors():
            assert time.monotonic() < deadline
            await asyncio.sleep(0.05)
        by_friend = (await articles.publish(friend))["id"]
        second = (await articles.publish(star))["id"]
        await eventually(articles, reader, [second, by_friend, first])
        # The star's second article reached the reader by pull: it is in no timeline.
        assert await timeline(articles, reader) == [by_friend, first]
        await articles.social.unfollow(reader, star)
        # The pulled article goes at once; the pushed one when the consumer removes it.
        await eventually(articles, reader, [by_friend])


async def test_with_redis_down_the_feed_is_pulled_from_the_databases(articles: Articles) -> None:
    reader, author, other, stranger = await articles.users(4)
    await articles.social.follow(reader, author)
    await articles.social.follow(reader, other)
    writers = [author, other, author, stranger, other]
    published = [
        (await articles.publish(writer, title=f"t{n}"))["id"] for n, writer in enumerate(writers)
    ]
    followed = [i for i, writer in zip(published, writers, strict=True) if writer != stranger]
    runtime = build_runtime(articles.settings, redis=create_redis("redis://127.0.0.1:1/0"))
    client = GraphQLClient(create_app(SPEC, runtime))
    try:
        first = await client.execute(FEED, {"first": 2}, token=articles.token(reader))
        assert "errors" not in first, first
        page = first["data"]["feed"]
        assert [e["node"]["id"] for e in page["edges"]] == followed[::-1][:2]
        assert page["pageInfo"]["hasNextPage"] is True
        rest = await client.execute(
            FEED,
            {"first": 5, "after": page["pageInfo"]["endCursor"]},
            token=articles.token(reader),
        )
        assert [e["node"]["id"] for e in rest["data"]["feed"]["edges"]] == followed[::-1][2:]
        assert rest["data"]["feed"]["pageInfo"]["hasNextPage"] is False
    finally:
        await client.aclose()
        await runtime.aclose()
