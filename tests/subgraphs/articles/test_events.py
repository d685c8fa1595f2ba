"""What publish, update and delete record in the outbox, and the relay publishing it."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from shared.events import Event, event_stream
from subgraphs.articles.runtime import workers
from tests.subgraphs.articles.conftest import Articles, outbox_of

UPDATE = "mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id } }"
DELETE = "mutation($id: ID!) { deleteArticle(id: $id) { id } }"


async def test_changes_record_their_events_and_no_ops_record_none(articles: Articles) -> None:
    [ada] = await articles.users(1)
    article = await articles.publish(ada, tags=["first"])
    await articles.data(UPDATE, ada, id=article["id"], input={"title": "Retitled", "tags": ["x"]})
    await articles.data(UPDATE, ada, id=article["id"], input={"title": "Retitled"})  # no change
    await articles.data(DELETE, ada, id=article["id"])
    await articles.data(DELETE, ada, id=article["id"])  # already deleted
    events = await outbox_of(articles, article["id"])
    assert [event_type for event_type, _ in events] == [
        "ArticlePublished",
        "ArticleUpdated",
        "ArticleDeleted",
    ]
    published, updated, deleted = (payload for _, payload in events)
    assert published == {
        "articleId": int(article["id"]),
        "authorId": int(ada),
        "publishedAt": published["publishedAt"],
        "tags": ["first"],
    }
    assert published["publishedAt"].startswith(article["publishedAt"][:19])
    assert updated["fields"] == ["tags", "title"] and updated["tags"] == ["x"]
    assert deleted == {"articleId": int(article["id"]), "authorId": int(ada)}


async def test_a_draft_announces_itself_only_when_published(articles: Articles) -> None:
    [ada] = await articles.users(1)
    draft = await articles.publish(ada, draft=True)
    assert await outbox_of(articles, draft["id"]) == []
    await articles.data(UPDATE, ada, id=draft["id"], input={"draft": False})
    assert [t for t, _ in await outbox_of(articles, draft["id"])] == ["ArticlePublished"]


async def test_the_relay_publishes_to_the_articles_stream(articles: Articles, redis: Redis) -> None:
    relay = workers(articles.runtime)[0]
    stream = event_stream(articles.settings.redis_prefix, "articles")
    [ada] = await articles.users(1)
    article = await articles.publish(ada)
    await relay.start()
    try:
        for _ in range(100):
            events = [Event.from_fields(f) for _, f in await redis.xrange(stream)]
            published = [e for e in events if e.aggregate_id == article["id"]]
            if published:
                break
            await asyncio.sleep(0.05)
    finally:
        await relay.stop()
    assert [(e.type, e.aggregate_id) for e in published] == [("ArticlePublished", article["id"])]
