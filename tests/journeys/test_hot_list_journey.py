"""The hot list and recommendations through the router, fed by real events."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from subgraphs.engagement.trending import PUBLISHED, VIEWED
from tests.journeys.test_engagement_journey import COMMENT, LIKE, publish, until_data
from tests.support.graph import Graph

TRENDING = """query($kind: HotKind!, $window: HotWindow!) {
  trending(first: 100, kind: $kind, window: $window) {
    kind score article { title } question { title } } }"""
RECOMMENDED = """query($first: Int, $after: String) { recommended(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { kind reason article { id title author { nickname } } } } } }"""
ASK = """mutation($title: String!) {
  askQuestion(input: {title: $title, tags: ["hot"]}) { id } }"""
ANSWER = 'mutation($q: ID!) { answerQuestion(questionId: $q, body: "Because.") { id } }'


async def until(
    graph: Graph, query: str, check: Callable[[Any], bool], token: str | None = None, **kw: Any
) -> Any:
    """The first answer passing ``check``; until events arrive, a deleted article the list
    still names reads as an error."""
    deadline = time.monotonic() + 30
    while "errors" in (body := await graph.execute(query, token, **kw)) or not check(body["data"]):
        assert time.monotonic() < deadline, body
        await asyncio.sleep(0.05)
    return body["data"]


def titles(data: Any, mine: set[str]) -> list[str]:
    """Titles of this test's entries (the shared database holds other tests' content too)."""
    found = []
    for item in data["trending"]:
        title = (item["article"] or item["question"] or {}).get("title")
        if title in mine:
            found.append(title)
    return found


def scores(data: Any) -> dict[str, float]:
    """Each entry's score by title."""
    return {
        (item["article"] or item["question"])["title"]: item["score"]
        for item in data["trending"]
        if item["article"] or item["question"]
    }


async def test_likes_comments_and_answers_move_content_up_and_deletes_take_it_off(
    graph: Graph,
) -> None:
    every = {"kind": "ALL", "window": "DAY"}
    # The first read builds the list from the database; built while this test's events are
    # still on their way, it could count some of them twice (see subgraphs/engagement/trending.py).
    await graph.data(TRENDING, **every)
    _, ada = await graph.register("Ada")
    _, bob = await graph.register("Bob")
    _, cy = await graph.register("Cy")
    quiet = await publish(graph, ada, "Quiet notes")
    loud = await publish(graph, ada, "Loud notes")
    question = (await graph.data(ASK, bob, title="Why is the sky blue?"))["askQuestion"]["id"]
    mine = {"Quiet notes", "Loud notes", "Why is the sky blue?"}
    # Every entry gets more engagement than other tests give theirs: the list is the top 100
    # of the shared database, which holds other tests' content (liked and commented on too).
    # Scores: 11 (published 1, 2 likes, 4 comments of 2), 7 (asked 1, 2 answers of 3), 4
    # (published, a like, a comment).
    await until_data(graph, LIKE, bob, kind="ARTICLE", id=quiet)
    await until_data(graph, LIKE, bob, kind="ARTICLE", id=loud)
    await graph.data(LIKE, cy, kind="ARTICLE", id=loud)
    for n in range(4):
        await graph.data(COMMENT, cy, kind="ARTICLE", id=loud, body=f"Loudly agreed, {n}.")
    await graph.data(COMMENT, cy, kind="ARTICLE", id=quiet, body="Quietly agreed.")
    await graph.data(ANSWER, cy, q=question)
    await graph.data(ANSWER, ada, q=question)

    ranked = ["Loud notes", "Why is the sky blue?", "Quiet notes"]
    expected = {"Loud notes": 11, "Why is the sky blue?": 7, "Quiet notes": 4}

    def counted(data: Any) -> bool:
        """Every event counted: the order alone can hold before the last answer arrives."""
        found = scores(data)
        return all(abs(found.get(title, 0) - score) < 0.1 for title, score in expected.items())

    await until(graph, TRENDING, counted, **every)
    assert titles(await graph.data(TRENDING, **every), mine) == ranked
    articles = await graph.data(TRENDING, kind="ARTICLE", window="WEEK")
    assert titles(articles, mine) == ["Loud notes", "Quiet notes"]

    # Redis loses the hot list: the next read rebuilds it from the database.
    redis = graph.domains.runtimes["engagement"].redis
    prefix = graph.domains.settings("engagement").redis_prefix
    keys = [key async for key in redis.scan_iter(match=f"{prefix}engagement:{{hot}}*")]
    await redis.delete(*keys)
    assert titles(await graph.data(TRENDING, **every), mine) == ranked

    await graph.data("mutation($id: ID!) { deleteArticle(id: $id) { status } }", ada, id=loud)
    data = await until(graph, TRENDING, lambda d: "Loud notes" not in titles(d, mine), **every)
    assert titles(data, mine) == ["Why is the sky blue?", "Quiet notes"]


async def test_recommendations_follow_what_you_engage_with(graph: Graph) -> None:
    _, ada = await graph.register("Ada")
    _, bob = await graph.register("Bob")
    _, cy = await graph.register("Cy")
    liked = await publish(graph, ada, "Ownership in depth", ["rustlang"])
    await until_data(graph, LIKE, bob, kind="ARTICLE", id=liked)
    by_ada = await publish(graph, ada, "Lifetimes, again", ["rustlang"])
    by_cy = await publish(graph, cy, "Borrowing explained", ["rustlang"])
    own = await publish(graph, bob, "My own rust notes", ["rustlang"])

    def ids(data: Any) -> list[str]:
        return [
            edge["node"]["article"]["id"]
            for edge in data["recommended"]["edges"]
            if edge["node"]["article"]
        ]

    data = await until(graph, RECOMMENDED, lambda d: {by_ada, by_cy} <= set(ids(d)), bob, first=100)
    found = ids(data)
    assert liked not in found and own not in found
    reasons = {
        edge["node"]["article"]["id"]: edge["node"]["reason"]
        for edge in data["recommended"]["edges"]
        if edge["node"]["article"]
    }
    # Ada's article ranks first: Bob liked Ada, and the tag matches too.
    assert found[0] == by_ada and reasons[by_ada] == "AUTHOR"
    assert reasons[by_cy] in ("TAG", "HOT")

    page = await graph.data(RECOMMENDED, bob, first=1)
    assert page["recommended"]["pageInfo"]["hasNextPage"] is True
    after = page["recommended"]["pageInfo"]["endCursor"]
    second = await graph.data(RECOMMENDED, bob, first=1, after=after)
    assert ids(second) != ids(page)

    # Anonymous readers get the hot list, own content included.
    anonymous = await graph.data(RECOMMENDED, first=100)
    assert {edge["node"]["reason"] for edge in anonymous["recommended"]["edges"]} == {"HOT"}


async def test_views_move_an_article_up_and_survive_a_rebuild(graph: Graph) -> None:
    _, ada = await graph.register("Ada")
    read = await publish(graph, ada, "Read by many")
    await publish(graph, ada, "Read by few")
    view = "mutation($id: ID!) { recordArticleView(id: $id) { id } }"
    for _ in range(30):
        await graph.data(view, id=read)
    every = {"kind": "ARTICLE", "window": "DAY"}
    # Views reach the hot list when articles flushes them (ArticleViewsCounted), perhaps
    # over several flushes: wait until all 30 count. The shared database holds other tests'
    # articles, so the unviewed one may rank below the page: it scores at most PUBLISHED.
    counted = 30 * VIEWED * 0.99  # a day's decay over the test's seconds is far below 1%

    def viewed(data: Any) -> bool:
        many = scores(data).get("Read by many")
        return many is not None and many - PUBLISHED > counted

    await until(graph, TRENDING, viewed, **every)

    redis = graph.domains.runtimes["engagement"].redis
    prefix = graph.domains.settings("engagement").redis_prefix
    keys = [key async for key in redis.scan_iter(match=f"{prefix}engagement:{{hot}}*")]
    await redis.delete(*keys)
    rebuilt = await graph.data(TRENDING, **every)
    assert viewed(rebuilt), scores(rebuilt)
    assert titles(rebuilt, {"Read by many", "Read by few"})[0] == "Read by many"
