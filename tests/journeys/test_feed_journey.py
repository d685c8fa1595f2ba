"""Follow someone, read what they publish in your feed, and see it go when they delete it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.graph import Graph
from tests.support.sql import StatementCounter

FEED = """query($first: Int) { feed(first: $first) {
  edges { node { title author { nickname followerCount } } } } }"""
FOLLOW = "mutation($id: ID!) { follow(userId: $id) { nickname followerCount viewerFollows } }"
UNFOLLOW = "mutation($id: ID!) { unfollow(userId: $id) { followerCount viewerFollows } }"
PUBLISH = """mutation($title: String!) {
  publishArticle(input: {title: $title, content: "Long-form words.", tags: ["journey"]}) {
    id author { nickname } } }"""
DELETE = "mutation($id: ID!) { deleteArticle(id: $id) { status } }"
COUNTS = "query($id: ID!) { user(id: $id) { followerCount followingCount } }"


async def feed_of(graph: Graph, token: str, first: int = 20) -> list[dict[str, Any]]:
    data = await graph.data(FEED, token, first=first)
    return [edge["node"] for edge in data["feed"]["edges"]]


async def until_feed_is(graph: Graph, token: str, expected: list[dict[str, Any]]) -> None:
    deadline = time.monotonic() + 10
    while (found := await feed_of(graph, token)) != expected:
        assert time.monotonic() < deadline, f"feed is {found}, expected {expected}"
        await asyncio.sleep(0.05)


async def test_follow_publish_read_delete_unfollow(graph: Graph) -> None:
    ada, ada_token = await graph.register("Ada")
    bob, bob_token = await graph.register("Bob")

    followed = await graph.data(FOLLOW, ada_token, id=bob)
    assert followed["follow"] == {"nickname": "Bob", "followerCount": 1, "viewerFollows": True}
    assert await feed_of(graph, ada_token) == []

    published = await graph.data(PUBLISH, bob_token, title="Notes on federation")
    article = published["publishArticle"]
    assert article["author"] == {"nickname": "Bob"}
    # One query: the title from articles, the nickname from accounts, the count from social.
    await until_feed_is(
        graph,
        ada_token,
        [{"title": "Notes on federation", "author": {"nickname": "Bob", "followerCount": 1}}],
    )

    deleted = await graph.data(DELETE, bob_token, id=article["id"])
    assert deleted["deleteArticle"] == {"status": "DELETED"}
    assert await feed_of(graph, ada_token) == []

    unfollowed = await graph.data(UNFOLLOW, ada_token, id=bob)
    assert unfollowed["unfollow"] == {"followerCount": 0, "viewerFollows": False}
    assert (await graph.data(COUNTS, id=bob))["user"] == {"followerCount": 0, "followingCount": 0}
    assert (await graph.data(COUNTS, id=ada))["user"] == {"followerCount": 0, "followingCount": 0}


async def test_a_feed_page_costs_the_same_statements_whatever_its_size(
    quiet_graph: Graph,
) -> None:
    graph = quiet_graph
    _, reader_token = await graph.register("Reader")
    authors = [await graph.register(f"Author{n}") for n in range(4)]
    for author, _ in authors:
        await graph.data(FOLLOW, reader_token, id=author)
    for n in range(24):
        _, token = authors[n % 4]
        await graph.data(PUBLISH, token, title=f"Article {n}")
    await until_feed_is_long(graph, reader_token, 20)

    runtimes = graph.domains.runtimes
    engines: dict[str, AsyncEngine] = {
        name: runtime.database.engine for name, runtime in runtimes.items()
    }

    async def statements(first: int) -> dict[str, int]:
        await forget_cached_entities(graph)
        counters = {name: StatementCounter(engine) for name, engine in engines.items()}
        for counter in counters.values():
            counter.__enter__()
        try:
            assert len(await feed_of(graph, reader_token, first)) == first
        finally:
            for counter in counters.values():
                counter.__exit__(None, None, None)
        return {name: counter.count for name, counter in counters.items()}

    small, large = await statements(5), await statements(20)
    assert small == large, (small, large)
    # articles: the articles and their tags; accounts: the users; social: their counts, and
    # (when some author in the shared test database is pulled) which of them the reader follows.
    assert large["articles"] == 2 and large["accounts"] == 1 and large["social"] in (1, 2)


async def until_feed_is_long(graph: Graph, token: str, length: int) -> None:
    deadline = time.monotonic() + 10
    while len(await feed_of(graph, token)) < length:
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)


async def forget_cached_entities(graph: Graph) -> None:
    """Empty the article and user caches, so every page starts cold."""
    redis = graph.domains.runtimes["articles"].redis
    prefix = graph.domains.settings("articles").redis_prefix
    for pattern in (f"{prefix}articles:article:*", f"{prefix}accounts:user:*"):
        keys = [key async for key in redis.scan_iter(match=pattern, count=500)]
        if keys:
            await redis.delete(*keys)
