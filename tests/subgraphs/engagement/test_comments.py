"""Comments and replies through the engagement schema: rules, limits, paging, deletes."""

from __future__ import annotations

from typing import Any

from subgraphs.engagement.rules import Kind
from tests.subgraphs.engagement.conftest import COMMENT, Engagement, add_subjects, new_id

REPLIES = """query($id: ID!, $first: Int, $after: String) { comment(id: $id) {
  replyCount replies(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { body } } } } }"""
DELETE = "mutation($id: ID!) { deleteComment(id: $id) { deleted body } }"


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def test_a_body_is_1_to_2000_characters(engagement: Engagement) -> None:
    [article] = await add_subjects(engagement.runtime, Kind.ARTICLE)
    user = str(new_id())
    for body in ("   ", "x" * 2001):
        refused = await engagement.execute(
            COMMENT, user, kind="ARTICLE", id=str(article), body=body
        )
        assert code(refused) == "BAD_USER_INPUT"
        assert refused["errors"][0]["extensions"]["field"] == "body"
    made = await engagement.execute(COMMENT, user, kind="ARTICLE", id=str(article), body="x" * 2000)
    assert len(made["data"]["comment"]["body"]) == 2000


async def test_commenting_too_fast_is_rate_limited_with_a_retry_after(
    engagement: Engagement,
) -> None:
    [article] = await add_subjects(engagement.runtime, Kind.ARTICLE)
    user = str(new_id())
    limit = engagement.runtime.settings.comment_rate_limit
    for n in range(limit):
        ok = await engagement.execute(COMMENT, user, kind="ARTICLE", id=str(article), body=f"#{n}")
        assert "errors" not in ok, ok
    refused = await engagement.execute(COMMENT, user, kind="ARTICLE", id=str(article), body="more")
    assert code(refused) == "RATE_LIMITED"
    assert 0 < refused["errors"][0]["extensions"]["retryAfter"] <= 60
    # Someone else still comments.
    other = await engagement.execute(
        COMMENT, str(new_id()), kind="ARTICLE", id=str(article), body="hi"
    )
    assert "errors" not in other


async def test_replies_page_oldest_first_and_deletes_follow_the_rules(
    engagement: Engagement,
) -> None:
    owner = new_id()
    [answer] = await add_subjects(engagement.runtime, Kind.ANSWER, owner=owner)
    author, replier, stranger = str(new_id()), str(new_id()), str(new_id())
    top = (await engagement.execute(COMMENT, author, kind="ANSWER", id=str(answer), body="Top"))[
        "data"
    ]["comment"]["id"]
    replies = []
    for n in range(5):
        made = await engagement.execute(COMMENT, replier, kind="COMMENT", id=top, body=f"r{n}")
        replies.append(made["data"]["comment"]["id"])

    first = (await engagement.execute(REPLIES, id=top, first=2))["data"]["comment"]
    assert first["replyCount"] == 5 and first["replies"]["totalCount"] == 5
    assert [e["node"]["body"] for e in first["replies"]["edges"]] == ["r0", "r1"]
    after = first["replies"]["pageInfo"]["endCursor"]
    rest = (await engagement.execute(REPLIES, id=top, first=10, after=after))["data"]["comment"]
    assert [e["node"]["body"] for e in rest["replies"]["edges"]] == ["r2", "r3", "r4"]
    assert rest["replies"]["pageInfo"]["hasNextPage"] is False
    bad = await engagement.execute(REPLIES, id=top, first=2, after="not-a-cursor")
    assert code(bad) == "BAD_USER_INPUT"

    assert code(await engagement.execute(DELETE, stranger, id=replies[0])) == "FORBIDDEN"
    mine = await engagement.execute(DELETE, replier, id=replies[0])
    assert mine["data"]["deleteComment"] == {"deleted": True, "body": None}
    # The answer's owner deletes any comment on it; deleting twice is NOT_FOUND.
    by_owner = await engagement.execute(DELETE, str(owner), id=replies[1])
    assert by_owner["data"]["deleteComment"]["deleted"] is True
    assert code(await engagement.execute(DELETE, str(owner), id=replies[1])) == "NOT_FOUND"
    gone = await engagement.execute(COMMENT, author, kind="COMMENT", id=replies[1], body="?")
    assert code(gone) == "NOT_FOUND"
    left = (await engagement.execute(REPLIES, id=top, first=10))["data"]["comment"]
    assert left["replyCount"] == 3
    assert [e["node"]["body"] for e in left["replies"]["edges"]] == ["r2", "r3", "r4"]


async def test_comments_go_on_articles_and_answers_only(engagement: Engagement) -> None:
    user = str(new_id())
    unknown = await engagement.execute(COMMENT, user, kind="ARTICLE", id=str(new_id()), body="hi")
    assert code(unknown) == "NOT_FOUND"
    anonymous = await engagement.execute(COMMENT, kind="ARTICLE", id="1", body="hi")
    assert code(anonymous) == "UNAUTHENTICATED"
