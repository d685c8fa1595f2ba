"""Keyset lists: all articles, by tag, per author (batched), and the popular tags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson
import pytest

from shared.codec import DataclassCodec
from shared.ids import UserId
from subgraphs.articles.models import ArticleStatus
from subgraphs.articles.service import ArticleId, ArticleView
from tests.subgraphs.articles.conftest import Articles
from tests.support.graphql import error_of
from tests.support.sql import StatementCounter

ARTICLES = """query($first: Int, $after: String, $tag: String) {
  articles(first: $first, after: $after, tag: $tag) {
    edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
USER_ARTICLES = """query($reps: [_Any!]!, $first: Int) { _entities(representations: $reps) {
  ... on User { id articles(first: $first) { edges { node { id title } } pageInfo { hasNextPage } } }
} }"""


async def _pages(articles: Articles, first: int, limit: int, **variables: Any) -> list[str]:
    """Ids of up to ``limit`` articles, newest first, read ``first`` at a time."""
    seen: list[str] = []
    after = None
    while len(seen) < limit:
        data = await articles.data(ARTICLES, first=first, after=after, **variables)
        page = data["articles"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return seen[:limit]


@pytest.mark.sqlite
async def test_articles_page_newest_first_with_and_without_a_tag(articles: Articles) -> None:
    [ada] = await articles.users(1)
    even, odd = f"even{ada}", f"odd{ada}"
    # Published within the same second: the id breaks the tie, and no page skips or repeats.
    ids = [
        (await articles.publish(ada, tags=[even if i % 2 == 0 else odd]))["id"] for i in range(7)
    ]
    assert await _pages(articles, 3, limit=7) == ids[::-1]
    assert await _pages(articles, 2, limit=10, tag=even.upper()) == ids[::2][::-1]
    tags = (await articles.data("{ tags(first: 100) { name articleCount } }"))["tags"]
    mine = [tag for tag in tags if tag["name"] in (even, odd)]
    assert mine == [{"name": even, "articleCount": 4}, {"name": odd, "articleCount": 3}]


async def test_page_size_and_cursor_are_checked(articles: Articles) -> None:
    too_many = error_of(await articles.execute(ARTICLES, first=101))
    assert too_many["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    bad_cursor = error_of(await articles.execute(ARTICLES, after="nope"))
    assert bad_cursor["extensions"]["field"] == "after"


async def test_user_articles_of_many_authors_take_one_statement(articles: Articles) -> None:
    authors = await articles.users(4)
    for author in authors:
        for n in range(3):
            await articles.publish(author, title=f"{author}-{n}")
    reps = [{"__typename": "User", "id": author} for author in authors]
    with StatementCounter(articles.runtime.database.engine) as counter:
        data = await articles.data(USER_ARTICLES, reps=reps, first=2)
    # One UNION ALL for the pages, then the articles and their tags (cache misses).
    assert counter.count == 3
    for author, user in zip(authors, data["_entities"], strict=True):
        titles = [edge["node"]["title"] for edge in user["articles"]["edges"]]
        assert titles == [f"{author}-2", f"{author}-1"]
        assert user["articles"]["pageInfo"]["hasNextPage"] is True


def test_a_cached_article_round_trips() -> None:
    view = ArticleView(
        id=ArticleId(1),
        author_id=UserId(2),
        title="t",
        content="c",
        summary="s",
        cover=None,
        tags=("a",),
        status=ArticleStatus.PUBLISHED,
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        updated_at=datetime(2026, 1, 2, tzinfo=UTC),
        view_count=3,
    )
    codec = DataclassCodec(ArticleView)
    assert codec.decode(orjson.loads(orjson.dumps(codec.encode(view)))) == view


@pytest.mark.sqlite
async def test_user_articles_page_on_and_skip_drafts_and_deleted(articles: Articles) -> None:
    [ada] = await articles.users(1)
    ids = [(await articles.publish(ada, title=f"t{n}"))["id"] for n in range(5)]
    await articles.publish(ada, draft=True)
    await articles.data("mutation($id: ID!) { deleteArticle(id: $id) { id } }", ada, id=ids[2])
    query = """query($id: ID!, $after: String) { _entities(representations: [{__typename: "User", id: $id}]) {
      ... on User { articles(first: 2, after: $after) {
        edges { node { id } } pageInfo { hasNextPage endCursor } } } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await articles.data(query, id=ada, after=after))["_entities"][0]["articles"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [ids[4], ids[3], ids[1], ids[0]]
