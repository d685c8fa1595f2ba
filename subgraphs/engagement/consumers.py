"""Engagement's event consumers: the subject projection, the hot list and the like counts.

    engagement.subjects-articles  <prefix>events:articles    ArticlePublished/Updated/Deleted,
                                                             ArticleViewsCounted
    engagement.subjects-qa        <prefix>events:qa          QuestionAsked/Deleted, AnswerPosted/Deleted
    engagement.hot-list           <prefix>events:engagement  CommentPosted
    engagement.like-counts        <prefix>events:engagement  LikeAdded/Removed (batched, see counts);
                                  each written batch also scores its subjects on the hot list

Projection writes are idempotent and run in the consumer's transaction (the
processed-event record lands with them); hot-list updates run after that
commit, so a redelivered event does not score twice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, after_commit, utcnow
from shared.events import Consumer, Event, event_stream
from subgraphs.engagement import events as own
from subgraphs.engagement.counts import CountKey
from subgraphs.engagement.rules import Kind
from subgraphs.engagement.subjects import (
    SubjectKey,
    add_subject,
    add_views,
    delete_subjects,
    payload_tags,
    question_tags,
    retag,
    subjects_by_key,
)
from subgraphs.engagement.trending import (
    ANSWERED,
    COMMENTED,
    LIKED,
    PUBLISHED,
    VIEWED,
    HotList,
)

ARTICLE_PUBLISHED, ARTICLE_UPDATED, ARTICLE_DELETED, ARTICLE_VIEWS_COUNTED = (
    "ArticlePublished",
    "ArticleUpdated",
    "ArticleDeleted",
    "ArticleViewsCounted",
)
QUESTION_ASKED, QUESTION_DELETED = "QuestionAsked", "QuestionDeleted"
ANSWER_POSTED, ANSWER_DELETED = "AnswerPosted", "AnswerDeleted"


def _later(
    session: AsyncSession, hot: HotList, *calls: tuple[Kind, int, float, datetime, datetime]
) -> None:
    async def bump() -> None:
        for kind, id_, weight, at, born in calls:
            await hot.bump(kind, id_, weight, at=at, born=born)

    after_commit(session, bump)


def _removed(session: AsyncSession, hot: HotList, members: list[tuple[Kind, int]]) -> None:
    async def remove() -> None:
        await hot.remove(members)

    after_commit(session, remove)


def subject_consumers(
    database: Database, redis: Redis, hot: HotList, *, prefix: str
) -> list[Consumer]:
    async def on_article(event: Event, session: AsyncSession) -> None:
        payload = event.payload
        article_id = int(payload["articleId"])
        if event.type == ARTICLE_PUBLISHED:
            published = datetime.fromisoformat(payload["publishedAt"])
            await add_subject(
                session,
                Kind.ARTICLE,
                article_id,
                owner_id=int(payload["authorId"]),
                created_at=published,
                tags=payload_tags(payload),
            )
            _later(session, hot, (Kind.ARTICLE, article_id, PUBLISHED, published, published))
        elif event.type == ARTICLE_UPDATED:
            if "tags" in payload.get("fields", []):
                await retag(session, Kind.ARTICLE, article_id, payload_tags(payload))
        elif event.type == ARTICLE_VIEWS_COUNTED:
            views = int(payload["views"])
            await add_views(session, article_id, views)
            found = await _ranked(session, (Kind.ARTICLE, article_id))
            if found is not None:
                at = datetime.fromisoformat(payload["at"])
                _later(session, hot, (Kind.ARTICLE, article_id, VIEWED * views, at, found[2]))
        else:
            await delete_subjects(session, [(Kind.ARTICLE, article_id)])
            _removed(session, hot, [(Kind.ARTICLE, article_id)])

    async def on_qa(event: Event, session: AsyncSession) -> None:
        payload = event.payload
        at = event.occurred_at
        if event.type == QUESTION_ASKED:
            question_id = int(payload["questionId"])
            created = datetime.fromisoformat(payload["createdAt"])
            await add_subject(
                session,
                Kind.QUESTION,
                question_id,
                owner_id=int(payload["authorId"]),
                created_at=created,
                tags=payload_tags(payload),
            )
            _later(session, hot, (Kind.QUESTION, question_id, PUBLISHED, created, created))
        elif event.type == QUESTION_DELETED:
            question_id = int(payload["questionId"])
            gone = [(Kind.QUESTION, question_id)]
            gone += [(Kind.ANSWER, int(answer)) for answer in payload.get("answerIds", [])]
            await delete_subjects(session, gone)
            _removed(session, hot, [(Kind.QUESTION, question_id)])
        elif event.type == ANSWER_POSTED:
            question_id = int(payload["questionId"])
            await add_subject(
                session,
                Kind.ANSWER,
                int(payload["answerId"]),
                owner_id=int(payload["authorId"]),
                created_at=at,
                tags=await question_tags(session, question_id),
                question_id=question_id,
            )
            question = (await subjects_by_key([(Kind.QUESTION, question_id)], session=session)).get(
                (Kind.QUESTION, question_id)
            )
            if question is not None and not question.deleted:
                _later(
                    session, hot, (Kind.QUESTION, question_id, ANSWERED, at, question.created_at)
                )
        else:
            await delete_subjects(session, [(Kind.ANSWER, int(payload["answerId"]))])

    return [
        Consumer(
            database,
            redis,
            stream=event_stream(prefix, "articles"),
            name="engagement.subjects-articles",
            handler=on_article,
            event_types=[
                ARTICLE_PUBLISHED,
                ARTICLE_UPDATED,
                ARTICLE_DELETED,
                ARTICLE_VIEWS_COUNTED,
            ],
        ),
        Consumer(
            database,
            redis,
            stream=event_stream(prefix, "qa"),
            name="engagement.subjects-qa",
            handler=on_qa,
            event_types=[QUESTION_ASKED, QUESTION_DELETED, ANSWER_POSTED, ANSWER_DELETED],
        ),
    ]


def hot_list_consumer(database: Database, redis: Redis, hot: HotList, *, prefix: str) -> Consumer:
    """Comments move their subject (an answer's: its question) up the hot list."""

    async def on_comment(event: Event, session: AsyncSession) -> None:
        payload = event.payload
        key = await _ranked(session, (Kind(payload["subjectKind"]), int(payload["subjectId"])))
        if key is not None:
            at = datetime.fromisoformat(payload["at"])
            _later(session, hot, (key[0], key[1], COMMENTED, at, key[2]))

    return Consumer(
        database,
        redis,
        stream=event_stream(prefix, "engagement"),
        name="engagement.hot-list",
        handler=on_comment,
        event_types=[own.COMMENT_POSTED],
    )


def likes_to_hot_list(
    database: Database, hot: HotList
) -> Callable[[Mapping[CountKey, int]], Awaitable[None]]:
    """What the like-count consumer does with each written batch: score its subjects."""

    async def written(deltas: Mapping[CountKey, int]) -> None:
        ranked: list[tuple[Kind, int, float, datetime]] = []
        async with database.transaction() as session:
            for key, delta in deltas.items():
                found = await _ranked(session, key) if key[0] is not Kind.COMMENT else None
                if found is not None:
                    ranked.append((found[0], found[1], LIKED * delta, found[2]))
        now = utcnow()
        for kind, id_, weight, born in ranked:
            await hot.bump(kind, id_, weight, at=now, born=born)

    return written


async def _ranked(session: AsyncSession, key: SubjectKey) -> tuple[Kind, int, datetime] | None:
    """The live article or question a like or comment on ``key`` scores for, with its birth."""
    subject = (await subjects_by_key([key], session=session)).get(key)
    if subject is not None and subject.kind is Kind.ANSWER and subject.question_id is not None:
        key = (Kind.QUESTION, subject.question_id)
        subject = (await subjects_by_key([key], session=session)).get(key)
    if subject is None or subject.deleted or subject.kind not in (Kind.ARTICLE, Kind.QUESTION):
        return None
    return (subject.kind, subject.id, subject.created_at)
