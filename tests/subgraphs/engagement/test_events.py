"""The events engagement records match the contract other domains (notifications) build on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from subgraphs.engagement.models import EVENT_TABLES, Like
from subgraphs.engagement.rules import Kind
from tests.subgraphs.engagement.conftest import (
    COMMENT,
    LIKE,
    UNLIKE,
    Engagement,
    add_subjects,
    new_id,
)

DELETE = "mutation($id: ID!) { deleteComment(id: $id) { deleted } }"


async def recorded(engagement: Engagement, after: int) -> list[tuple[str, dict[str, Any]]]:
    outbox = EVENT_TABLES.outbox
    async with engagement.runtime.database.transaction() as session:
        rows = await session.execute(
            select(outbox.c.event_type, outbox.c.payload)
            .where(outbox.c.id > after)
            .order_by(outbox.c.id)
        )
        return [(kind, json.loads(payload)) for kind, payload in rows]


async def last_outbox_id(engagement: Engagement) -> int:
    outbox = EVENT_TABLES.outbox
    async with engagement.runtime.database.transaction() as session:
        return int(await session.scalar(select(outbox.c.id).order_by(outbox.c.id.desc())) or 0)


@pytest.mark.sqlite
async def test_like_and_comment_events_carry_the_contract_keys(engagement: Engagement) -> None:
    owner, liker, replier = new_id(), new_id(), new_id()
    [article] = await add_subjects(engagement.runtime, Kind.ARTICLE, owner=owner)
    start = await last_outbox_id(engagement)
    await engagement.execute(LIKE, str(liker), kind="ARTICLE", id=str(article))
    async with engagement.runtime.database.transaction() as session:
        like_id = await session.scalar(select(Like.id).where(Like.user_id == liker))
    await engagement.execute(UNLIKE, str(liker), kind="ARTICLE", id=str(article))
    top = await engagement.execute(COMMENT, str(liker), kind="ARTICLE", id=str(article), body="a")
    top_id = int(top["data"]["comment"]["id"])
    reply = await engagement.execute(
        COMMENT, str(replier), kind="COMMENT", id=str(top_id), body="b", replyTo=str(owner)
    )
    reply_id = int(reply["data"]["comment"]["id"])
    await engagement.execute(DELETE, str(replier), id=str(reply_id))

    events = await recorded(engagement, start)
    assert [kind for kind, _ in events] == [
        "LikeAdded",
        "LikeRemoved",
        "CommentPosted",
        "CommentPosted",
        "CommentDeleted",
    ]
    added, removed, posted, replied, deleted = (payload for _, payload in events)
    like = {
        "likeId": like_id,
        "userId": liker,
        "subjectKind": "ARTICLE",
        "subjectId": article,
        "subjectOwnerId": owner,
    }
    assert {k: v for k, v in added.items() if k != "at"} == like and added["at"].endswith("+00:00")
    assert {k: v for k, v in removed.items() if k != "at"} == like
    assert {k: v for k, v in posted.items() if k != "at"} == {
        "commentId": top_id,
        "subjectKind": "ARTICLE",
        "subjectId": article,
        "subjectOwnerId": owner,
        "authorId": liker,
        "parentId": None,
        "parentAuthorId": None,
        "replyToUserId": None,
    }
    assert {k: v for k, v in replied.items() if k != "at"} == {
        "commentId": reply_id,
        "subjectKind": "ARTICLE",
        "subjectId": article,
        "subjectOwnerId": owner,
        "authorId": replier,
        "parentId": top_id,
        "parentAuthorId": liker,
        "replyToUserId": owner,
    }
    assert deleted == {
        "commentId": reply_id,
        "subjectKind": "ARTICLE",
        "subjectId": article,
        "authorId": replier,
        "parentId": top_id,
    }
