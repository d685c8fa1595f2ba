"""Publish, comment, like and reply, then read it all in one query through the router."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from shared.db import utcnow
from subgraphs.engagement.rules import Kind
from subgraphs.engagement.subjects import add_subject
from tests.journeys.test_feed_journey import forget_cached_entities, until_feed_is_long
from tests.support.graph import Graph
from tests.support.sql import StatementCounter

PUBLISH = """mutation($title: String!, $tags: [String!]) {
  publishArticle(input: {title: $title, content: "Words.", tags: $tags}) { id } }"""
LIKE = """mutation($kind: EngagementTargetKind!, $id: ID!) {
  like(target: {kind: $kind, id: $id}) { likeCount viewerHasLiked } }"""
UNLIKE = """mutation($kind: EngagementTargetKind!, $id: ID!) {
  unlike(target: {kind: $kind, id: $id}) { likeCount viewerHasLiked } }"""
COMMENT = """mutation($kind: EngagementTargetKind!, $id: ID!, $body: String!, $replyTo: ID) {
  comment(target: {kind: $kind, id: $id}, body: $body, replyTo: $replyTo) {
    id body author { nickname } replyTo { nickname } parent { id } } }"""
DELETE_COMMENT = "mutation($id: ID!) { deleteComment(id: $id) { deleted body replyCount } }"
PAGE = """query($id: ID!) { article(id: $id) {
  title author { nickname } likeCount viewerHasLiked commentCount
  comments(first: 20) { totalCount edges { node {
    body deleted author { nickname } likeCount replyCount
    replies(first: 20) { totalCount edges { node {
      body author { nickname } replyTo { nickname } } } } } } } } }"""


async def until_data(graph: Graph, query: str, token: str | None = None, **variables: Any) -> Any:
    """The first answer without errors (a new target reaches engagement by event); only for
    operations worth repeating (a failed comment still counts against its author's rate limit)."""
    deadline = time.monotonic() + 10
    while "errors" in (body := await graph.execute(query, token, **variables)):
        assert time.monotonic() < deadline, body["errors"]
        await asyncio.sleep(0.05)
    return body["data"]


async def publish(graph: Graph, token: str, title: str, tags: list[str] | None = None) -> str:
    data = await graph.data(PUBLISH, token, title=title, tags=tags or ["journey"])
    return str(data["publishArticle"]["id"])


async def test_publish_comment_like_reply_and_read_it_in_one_query(graph: Graph) -> None:
    _, ada = await graph.register("Ada")
    _, bob = await graph.register("Bob")
    _, cy = await graph.register("Cy")
    article = await publish(graph, ada, "On engines")

    # Liking is idempotent and not rate-limited: retry it until the article reaches engagement.
    liked = await until_data(graph, LIKE, bob, kind="ARTICLE", id=article)
    assert liked["like"] == {"likeCount": 1, "viewerHasLiked": True}
    commented = await graph.data(COMMENT, bob, kind="ARTICLE", id=article, body="Lovely.")
    by_bob = commented["comment"]
    assert by_bob["author"] == {"nickname": "Bob"} and by_bob["parent"] is None
    # Liking twice changes nothing.
    assert (await graph.data(LIKE, bob, kind="ARTICLE", id=article))["like"]["likeCount"] == 1
    reply = await graph.data(
        COMMENT, cy, kind="COMMENT", id=by_bob["id"], body="Agreed!", replyTo=None
    )
    assert reply["comment"]["parent"] == {"id": by_bob["id"]}
    # Replying to a reply files it under the same comment, answering the reply's author.
    again = await graph.data(COMMENT, bob, kind="COMMENT", id=reply["comment"]["id"], body="Ta.")
    assert again["comment"]["parent"] == {"id": by_bob["id"]}
    assert again["comment"]["replyTo"] == {"nickname": "Cy"}
    await graph.data(LIKE, ada, kind="COMMENT", id=by_bob["id"])

    page = (await graph.data(PAGE, bob, id=article))["article"]
    assert page["title"] == "On engines" and page["author"] == {"nickname": "Ada"}
    assert page["likeCount"] == 1 and page["viewerHasLiked"] is True
    assert page["commentCount"] == 3
    [edge] = page["comments"]["edges"]
    comment = edge["node"]
    assert comment["body"] == "Lovely." and comment["author"] == {"nickname": "Bob"}
    assert comment["likeCount"] == 1 and comment["replyCount"] == 2
    replies = [node["node"] for node in comment["replies"]["edges"]]
    assert replies == [
        {"body": "Agreed!", "author": {"nickname": "Cy"}, "replyTo": None},
        {"body": "Ta.", "author": {"nickname": "Bob"}, "replyTo": {"nickname": "Cy"}},
    ]

    # Only the author or the article's owner deletes; a deleted comment keeps its replies.
    refused = await graph.execute(DELETE_COMMENT, cy, id=by_bob["id"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    deleted = await graph.data(DELETE_COMMENT, ada, id=by_bob["id"])
    assert deleted["deleteComment"] == {"deleted": True, "body": None, "replyCount": 2}
    page = (await graph.data(PAGE, cy, id=article))["article"]
    comment = page["comments"]["edges"][0]["node"]
    assert comment["deleted"] is True and comment["body"] is None
    assert comment["replies"]["totalCount"] == 2 and page["commentCount"] == 2

    unliked = await graph.data(UNLIKE, bob, kind="ARTICLE", id=article)
    assert unliked["unlike"] == {"likeCount": 0, "viewerHasLiked": False}
    assert (await graph.data(UNLIKE, bob, kind="ARTICLE", id=article))["unlike"]["likeCount"] == 0


async def test_unknown_deleted_and_draft_targets_are_not_found(graph: Graph) -> None:
    _, ada = await graph.register("Ada")
    _, bob = await graph.register("Bob")
    draft = await graph.data(
        """mutation { publishArticle(input: {title: "Draft", content: "Soon.", draft: true}) { id } }""",
        ada,
    )
    article = await publish(graph, ada, "Gone soon")
    await until_data(graph, LIKE, bob, kind="ARTICLE", id=article)
    await graph.data("mutation($id: ID!) { deleteArticle(id: $id) { status } }", ada, id=article)

    async def code(query: str, **variables: Any) -> str:
        deadline = time.monotonic() + 10
        while True:
            body = await graph.execute(query, bob, **variables)
            if "errors" in body or time.monotonic() > deadline:
                return str(body["errors"][0]["extensions"]["code"])
            await asyncio.sleep(0.05)

    draft_id = draft["publishArticle"]["id"]
    assert await code(LIKE, kind="ARTICLE", id=draft_id) == "NOT_FOUND"
    assert await code(COMMENT, kind="ARTICLE", id=draft_id, body="Hi") == "NOT_FOUND"
    assert await code(LIKE, kind="ANSWER", id="987654321") == "NOT_FOUND"
    assert await code(LIKE, kind="COMMENT", id="987654321") == "NOT_FOUND"
    # The delete reaches engagement by event: the article stops taking likes and comments.
    assert await code(COMMENT, kind="ARTICLE", id=article, body="Hi") == "NOT_FOUND"
    assert await code(LIKE, kind="ARTICLE", id=article) == "NOT_FOUND"


FEED_COUNTS = """query($first: Int) { feed(first: $first) { edges { node {
  title likeCount viewerHasLiked commentCount
  comments(first: 2) { edges { node { body author { nickname } replyCount } } } } } } }"""


async def test_a_feed_page_with_counts_costs_the_same_statements_whatever_its_size(
    quiet_graph: Graph,
) -> None:
    graph = quiet_graph
    _, reader = await graph.register("Reader")
    author_id, author = await graph.register("Author")
    await graph.data("mutation($id: ID!) { follow(userId: $id) { id } }", reader, id=author_id)
    articles = [await publish(graph, author, f"Article {n}") for n in range(24)]
    # No workers run here: project the articles as their events would.
    engagement = graph.domains.runtimes["engagement"]
    async with engagement.database.transaction() as session:
        for article in articles:
            await add_subject(
                session, Kind.ARTICLE, int(article), owner_id=int(author_id), created_at=utcnow()
            )
    for article in articles[::3]:
        await graph.data(LIKE, reader, kind="ARTICLE", id=article)
        await graph.data(COMMENT, author, kind="ARTICLE", id=article, body="First!")
    await until_feed_is_long(graph, reader, 20)

    engines = {name: runtime.database.engine for name, runtime in graph.domains.runtimes.items()}

    async def statements(first: int) -> dict[str, int]:
        await forget_cached_entities(graph)
        counters = {name: StatementCounter(engine) for name, engine in engines.items()}
        for counter in counters.values():
            counter.__enter__()
        try:
            page = await graph.data(FEED_COUNTS, reader, first=first)
        finally:
            for counter in counters.values():
                counter.__exit__(None, None, None)
        nodes = [edge["node"] for edge in page["feed"]["edges"]]
        assert len(nodes) == first
        liked = [node for node in nodes if node["viewerHasLiked"]]
        assert liked and all(node["likeCount"] == 1 and node["commentCount"] == 1 for node in liked)
        return {name: counter.count for name, counter in counters.items()}

    small, large = await statements(5), await statements(20)
    assert small == large, (small, large)
    # engagement: the subjects, the viewer's likes, the comment pages.
    assert large["engagement"] == 3


UNREAD = "query { unreadCounts { comment like reply } }"


async def test_likes_comments_and_replies_reach_the_message_center(graph: Graph) -> None:
    _, ada = await graph.register("Ada")
    _, bob = await graph.register("Bob")
    _, cy = await graph.register("Cy")
    article = await publish(graph, ada, "Notify me")
    await until_data(graph, LIKE, bob, kind="ARTICLE", id=article)
    made = await graph.data(COMMENT, bob, kind="ARTICLE", id=article, body="Nice.")
    await graph.data(COMMENT, cy, kind="COMMENT", id=made["comment"]["id"], body="Yes.")

    deadline = time.monotonic() + 10
    while (ada_counts := (await graph.data(UNREAD, ada))["unreadCounts"]) != {
        "comment": 2,
        "like": 1,
        "reply": 0,
    } or (await graph.data(UNREAD, bob))["unreadCounts"]["reply"] != 1:
        assert time.monotonic() < deadline, ada_counts
        await asyncio.sleep(0.05)
