"""Events articles announces, recorded in the outbox in the transaction of the change.

    ArticlePublished  {"articleId": int, "authorId": int, "publishedAt": ISO-8601 UTC,
                       "tags": [tag names]}
    ArticleUpdated    {"articleId": int, "authorId": int, "fields": [changed field names],
                       "tags": [tag names after the change]}
    ArticleDeleted    {"articleId": int, "authorId": int}
    ArticleViewsCounted {"articleId": int, "views": int, "at": ISO-8601 UTC}
                      (the views of one article a view flush wrote; one per article
                      per flush, in the flush's transaction)

All have the article as aggregate (``article``/<id>); the article row is
locked by each change, so one article's events are numbered in commit order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import record_event

ARTICLE_PUBLISHED = "ArticlePublished"
ARTICLE_UPDATED = "ArticleUpdated"
ARTICLE_DELETED = "ArticleDeleted"
ARTICLE_VIEWS_COUNTED = "ArticleViewsCounted"


async def _record(
    session: AsyncSession, event_type: str, article_id: int, payload: Mapping[str, Any]
) -> None:
    await record_event(
        session,
        aggregate_type="article",
        aggregate_id=str(article_id),
        event_type=event_type,
        payload={"articleId": article_id, **payload},
    )


async def article_published(
    session: AsyncSession,
    *,
    article_id: int,
    author_id: int,
    published_at: datetime,
    tags: Sequence[str],
) -> None:
    await _record(
        session,
        ARTICLE_PUBLISHED,
        article_id,
        {"authorId": author_id, "publishedAt": published_at.isoformat(), "tags": list(tags)},
    )


async def article_updated(
    session: AsyncSession,
    *,
    article_id: int,
    author_id: int,
    fields: list[str],
    tags: Sequence[str],
) -> None:
    await _record(
        session,
        ARTICLE_UPDATED,
        article_id,
        {"authorId": author_id, "fields": fields, "tags": list(tags)},
    )


async def article_deleted(session: AsyncSession, *, article_id: int, author_id: int) -> None:
    await _record(session, ARTICLE_DELETED, article_id, {"authorId": author_id})


async def article_views_counted(
    session: AsyncSession, *, article_id: int, views: int, at: datetime
) -> None:
    await _record(
        session, ARTICLE_VIEWS_COUNTED, article_id, {"views": views, "at": at.isoformat()}
    )
