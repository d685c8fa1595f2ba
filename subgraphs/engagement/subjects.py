"""Engagement's projection of other domains' content, fed by their events.

    events:articles  ArticlePublished → an ARTICLE subject (with its tags)
                     ArticleUpdated   → its tags follow; ArticleDeleted → deleted
    events:qa        QuestionAsked    → a QUESTION subject; QuestionDeleted → it and its answers deleted
                     AnswerPosted     → an ANSWER subject (tags of its question); AnswerDeleted → deleted

A target exists for engagement once its event has arrived (the relay and the
consumer take a fraction of a second) and as long as no delete event has:
drafts never publish an event, so nobody can like or comment on them, and
a deleted article is gone for everyone. Every write here is idempotent
(insert-or-ignore, set a flag), so a redelivered event changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.upserts import insert_ignore
from subgraphs.engagement.models import Subject
from subgraphs.engagement.rules import Kind

SubjectKey = tuple[Kind, int]


@dataclass(frozen=True, slots=True)
class SubjectView:
    kind: Kind
    id: int
    owner_id: int
    question_id: int | None
    tags: tuple[str, ...]
    created_at: datetime
    deleted: bool
    like_count: int
    comment_count: int

    @property
    def key(self) -> SubjectKey:
        return (self.kind, self.id)

    @classmethod
    def from_row(cls, row: Subject) -> SubjectView:
        return cls(
            kind=Kind(row.kind),
            id=row.id,
            owner_id=row.owner_id,
            question_id=row.question_id,
            tags=tuple(row.tags.split()),
            created_at=row.created_at,
            deleted=row.deleted,
            like_count=row.like_count,
            comment_count=row.comment_count,
        )


def matching(keys: Collection[SubjectKey]) -> Any:
    """A condition selecting the subjects ``keys`` name (one ``IN`` per kind)."""
    by_kind: dict[Kind, list[int]] = {}
    for kind, id_ in keys:
        by_kind.setdefault(kind, []).append(id_)
    return or_(
        *(and_(Subject.kind == kind.value, Subject.id.in_(ids)) for kind, ids in by_kind.items())
    )


async def subjects_by_key(
    keys: Collection[SubjectKey], *, session: AsyncSession
) -> dict[SubjectKey, SubjectView]:
    """The subjects ``keys`` name, deleted ones included, in one statement."""
    if not keys:
        return {}
    rows = await session.scalars(select(Subject).where(matching(keys)))
    return {(view := SubjectView.from_row(row)).key: view for row in rows}


async def add_subject(
    session: AsyncSession,
    kind: Kind,
    id_: int,
    *,
    owner_id: int,
    created_at: datetime,
    tags: Sequence[str] = (),
    question_id: int | None = None,
) -> None:
    row = {
        "kind": kind.value,
        "id": id_,
        "owner_id": owner_id,
        "question_id": question_id,
        "tags": " ".join(tags)[:200],
        "created_at": created_at,
        "deleted": False,
        "like_count": 0,
        "comment_count": 0,
        "view_count": 0,
    }
    await session.execute(insert_ignore(session, Subject, [row]))


async def add_views(session: AsyncSession, article_id: int, views: int) -> None:
    """Count an article's flushed views (an article engagement does not know is left alone)."""
    await session.execute(
        update(Subject)
        .where(Subject.kind == Kind.ARTICLE.value, Subject.id == article_id)
        .values(view_count=Subject.view_count + views)
    )


async def retag(session: AsyncSession, kind: Kind, id_: int, tags: Sequence[str]) -> None:
    await session.execute(
        update(Subject)
        .where(Subject.kind == kind.value, Subject.id == id_)
        .values(tags=" ".join(tags)[:200])
    )


async def delete_subjects(session: AsyncSession, keys: Collection[SubjectKey]) -> None:
    if keys:
        await session.execute(update(Subject).where(matching(keys)).values(deleted=True))


async def question_tags(session: AsyncSession, question_id: int) -> tuple[str, ...]:
    tags = await session.scalar(
        select(Subject.tags).where(Subject.kind == Kind.QUESTION.value, Subject.id == question_id)
    )
    return tuple(tags.split()) if tags else ()


def payload_tags(payload: Mapping[str, Any]) -> list[str]:
    tags = payload.get("tags")
    return [str(tag) for tag in tags] if isinstance(tags, list) else []
