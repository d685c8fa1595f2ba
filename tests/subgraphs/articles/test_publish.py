"""Publishing, reading, changing and deleting articles through the articles schema."""

from __future__ import annotations

import base64
import logging

import pytest

from shared.ids import MAX_ID
from tests.subgraphs.articles.conftest import Articles
from tests.support.graphql import error_of

ARTICLE = "query($id: ID!) { article(id: $id) { id title status tags viewCount author { id } } }"
UPDATE = """mutation($id: ID!, $input: UpdateArticleInput!) {
  updateArticle(id: $id, input: $input) { id title summary tags status publishedAt }
}"""
DELETE = "mutation($id: ID!) { deleteArticle(id: $id) { id status } }"
ARTICLES_AFTER = "query($after: String) { articles(after: $after) { edges { cursor } } }"


@pytest.mark.sqlite
async def test_publish_then_read_by_id(articles: Articles) -> None:
    [ada] = await articles.users(1)
    published = await articles.publish(
        ada, title="  Hello   world ", content="First words.", tags=["Python", "python", "机器学习"]
    )
    assert published["title"] == "Hello world"
    assert published["summary"] == "First words."
    assert published["tags"] == ["python", "机器学习"]
    assert published["status"] == "PUBLISHED"
    assert published["author"] == {"id": ada}
    found = await articles.data(ARTICLE, id=published["id"])
    assert found["article"] == {
        "id": published["id"],
        "title": "Hello world",
        "status": "PUBLISHED",
        "tags": ["python", "机器学习"],
        "viewCount": 0,
        "author": {"id": ada},
    }
    assert (await articles.data(ARTICLE, id="999999999"))["article"] is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 101}, "title"),
        ({"content": ""}, "content"),
        ({"content": "字" * 40_000}, "content"),
        ({"tags": ["a", "b", "c", "d", "e", "f"]}, "tags"),
        ({"tags": ["not a tag"]}, "tags"),
        ({"cover": "ftp://example.com/x.png"}, "cover"),
        ({"cover": "http://[::1"}, "cover"),
        ({"cover": "https://img.example:70000/x.png"}, "cover"),
        ({"summary": "s" * 301}, "summary"),
    ],
)
async def test_invalid_input_names_the_field(
    articles: Articles, fields: dict[str, object], field: str
) -> None:
    [ada] = await articles.users(1)
    values = {"title": "A title", "content": "Body", **fields}
    body = await articles.execute(
        "mutation($i: PublishArticleInput!) { publishArticle(input: $i) { id } }", ada, i=values
    )
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field


async def test_only_the_author_may_change_or_delete(articles: Articles) -> None:
    ada, bob = await articles.users(2)
    article = await articles.publish(ada)
    for query, variables in (
        (UPDATE, {"id": article["id"], "input": {"title": "Mine now"}}),
        (DELETE, {"id": article["id"]}),
    ):
        error = error_of(await articles.execute(query, bob, **variables))
        assert error["extensions"]["code"] == "FORBIDDEN"
    missing = error_of(await articles.execute(DELETE, ada, id="424242424"))
    assert missing["extensions"]["code"] == "NOT_FOUND"
    anonymous = error_of(await articles.execute(DELETE, None, id=article["id"]))
    assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.sqlite
async def test_update_changes_fields_and_drops_the_cached_copy(articles: Articles) -> None:
    [ada] = await articles.users(1)
    article = await articles.publish(ada, tags=["old"])
    await articles.data(ARTICLE, id=article["id"])  # now cached
    updated = await articles.data(
        UPDATE, ada, id=article["id"], input={"title": "New title", "tags": ["new", "fresh"]}
    )
    assert updated["updateArticle"]["title"] == "New title"
    assert updated["updateArticle"]["tags"] == ["new", "fresh"]
    again = await articles.data(ARTICLE, id=article["id"])
    assert again["article"]["title"] == "New title"
    assert again["article"]["tags"] == ["fresh", "new"]


async def test_drafts_are_private_until_published(articles: Articles) -> None:
    ada, bob = await articles.users(2)
    draft = await articles.publish(ada, draft=True)
    assert draft["status"] == "DRAFT" and draft["publishedAt"] is None
    assert (await articles.data(ARTICLE, bob, id=draft["id"]))["article"] is None
    assert (await articles.data(ARTICLE, ada, id=draft["id"]))["article"]["status"] == "DRAFT"
    published = await articles.data(UPDATE, ada, id=draft["id"], input={"draft": False})
    assert published["updateArticle"]["status"] == "PUBLISHED"
    assert published["updateArticle"]["publishedAt"] is not None
    assert (await articles.data(ARTICLE, bob, id=draft["id"]))["article"]["status"] == "PUBLISHED"
    back = error_of(await articles.execute(UPDATE, ada, id=draft["id"], input={"draft": True}))
    assert back["extensions"]["field"] == "draft"


@pytest.mark.sqlite
async def test_delete_hides_the_article_and_repeats_harmlessly(articles: Articles) -> None:
    [ada] = await articles.users(1)
    article = await articles.publish(ada)
    await articles.data(ARTICLE, id=article["id"])  # now cached
    for _ in range(2):
        deleted = await articles.data(DELETE, ada, id=article["id"])
        assert deleted["deleteArticle"]["status"] == "DELETED"
    assert (await articles.data(ARTICLE, id=article["id"]))["article"] is None


async def test_a_derived_summary_follows_the_content_and_an_empty_cover_removes_it(
    articles: Articles,
) -> None:
    [ada] = await articles.users(1)
    article = await articles.publish(ada, content="Old words.", cover="https://img.example/a.png")
    query = """mutation($id: ID!, $input: UpdateArticleInput!) {
      updateArticle(id: $id, input: $input) { summary cover } }"""
    changed = await articles.data(
        query, ada, id=article["id"], input={"content": "New words.", "cover": ""}
    )
    assert changed["updateArticle"] == {"summary": "New words.", "cover": None}
    own = await articles.data(
        query, ada, id=article["id"], input={"summary": "Mine.", "content": "Newer words."}
    )
    assert own["updateArticle"]["summary"] == "Mine."
    kept = await articles.data(query, ada, id=article["id"], input={"content": "Newest."})
    assert kept["updateArticle"]["summary"] == "Mine."  # written by the author: kept


@pytest.mark.parametrize("raw", ["²", "٣", "abc", "0", str(MAX_ID + 1), "9" * 40])
async def test_an_article_id_that_is_not_one_is_bad_input(articles: Articles, raw: str) -> None:
    [ada] = await articles.users(1)
    for query in (ARTICLE, DELETE, UPDATE):
        variables = {"id": raw, "input": {"title": "x"}} if query is UPDATE else {"id": raw}
        error = error_of(await articles.execute(query, ada, **variables))
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}


async def test_the_largest_article_id_reads_as_null(articles: Articles) -> None:
    assert (await articles.data(ARTICLE, id=str(MAX_ID)))["article"] is None


async def test_a_huge_rejected_tag_is_not_echoed_or_logged_whole(
    articles: Articles, caplog: pytest.LogCaptureFixture
) -> None:
    [ada] = await articles.users(1)
    tag = "x y" * 300_000  # 900 KB, and not a valid tag
    with caplog.at_level(logging.DEBUG):
        body = await articles.execute(
            "mutation($i: PublishArticleInput!) { publishArticle(input: $i) { id } }",
            ada,
            i={"title": "A title", "content": "Body", "tags": [tag]},
        )
    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "tags"}
    assert len(error["message"]) <= 300
    assert "x y" in error["message"]  # an excerpt still says which tag
    assert sum(len(record.getMessage()) for record in caplog.records) < 10_000
    assert len(str(body)) < 2_000


async def test_cursors_holding_odd_ids_are_bad_input(articles: Articles) -> None:
    for raw_id in ("²", str(MAX_ID + 1), "+7", "0"):
        cursor = base64.urlsafe_b64encode(f"v1|2026-01-01T00:00:00+00:00|{raw_id}".encode())
        error = error_of(await articles.execute(ARTICLES_AFTER, after=cursor.decode()))
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_probing_the_next_id_does_not_hide_the_article_published_there(
    articles: Articles,
) -> None:
    [ada] = await articles.users(1)
    first = await articles.publish(ada)
    following = str(int(first["id"]) + 1)
    assert (await articles.data(ARTICLE, id=following))["article"] is None  # "not found" cached
    second = await articles.publish(ada, title="Right after")
    assert second["id"] == following
    found = await articles.data(ARTICLE, id=following)
    assert found["article"]["title"] == "Right after"
