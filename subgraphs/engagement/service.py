"""The business rules of likes and comments. Functions take the caller's session and never commit.

A target is an ``ARTICLE`` or ``ANSWER`` of the subject projection
(:mod:`subgraphs.engagement.subjects`), or a ``COMMENT``; one that is
unknown, deleted, a draft (drafts are never projected) or a comment on a
deleted subject is ``NotFound``.

Likes: an edge row unique per (member, subject), inserted or deleted with
the dialect's insert-or-ignore / a keyed delete, whose row count says whether
anything changed; only a change records ``LikeAdded``/``LikeRemoved``, so
repeating either is harmless under any concurrency. Counts are not touched
here (see :mod:`subgraphs.engagement.counts`); the event's pending +1/-1 is
added to Redis right after the commit.

Comments: a reply names a comment; replying to a reply files it under the
same top-level comment, replying to that reply's author unless ``reply_to``
says otherwise. ``comment_count`` (all live comments of a subject) and
``reply_count`` move in the comment's transaction, under the subject row's
lock taken first. A deleted comment keeps its row with the body emptied: it
still carries its replies, and lists leave it out once it has none.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NewType, cast

from sqlalchemy import CursorResult, and_, delete, literal, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import after_commit, utcnow
from shared.errors import BadUserInput, Forbidden, NotFound
from shared.ids import UserId
from shared.ratelimit import RateLimiter, Window
from shared.upserts import insert_ignore
from subgraphs.engagement import events, rules
from subgraphs.engagement.counts import CountKey, PendingLikes
from subgraphs.engagement.models import Comment, Like, Subject
from subgraphs.engagement.rules import Kind

CommentId = NewType("CommentId", int)

CommentPageKey = tuple[Kind, int, int, int | None]
"""(subject kind, subject id, page size, after comment id): top-level comments, newest first."""
ReplyPageKey = tuple[int, int, int | None]
"""(parent comment id, page size, after reply id): replies, oldest first."""


@dataclass(frozen=True, slots=True)
class CommentView:
    id: CommentId
    subject_kind: Kind
    subject_id: int
    author_id: UserId
    parent_id: CommentId | None
    reply_to_user_id: UserId | None
    body: str | None
    """``None`` once deleted."""
    created_at: datetime
    reply_count: int
    like_count: int

    @property
    def deleted(self) -> bool:
        return self.body is None

    @classmethod
    def from_row(cls, row: Any) -> CommentView:
        return cls(
            id=CommentId(row.id),
            subject_kind=Kind(row.subject_kind),
            subject_id=row.subject_id,
            author_id=UserId(row.author_id),
            parent_id=CommentId(row.parent_id) if row.parent_id is not None else None,
            reply_to_user_id=(
                UserId(row.reply_to_user_id) if row.reply_to_user_id is not None else None
            ),
            body=None if row.deleted else row.body,
            created_at=row.created_at,
            reply_count=row.reply_count,
            like_count=row.like_count,
        )


@dataclass(frozen=True, slots=True)
class Page:
    items: list[CommentView] = field(default_factory=list)
    has_next_page: bool = False


@dataclass(frozen=True, slots=True)
class Target:
    key: CountKey
    owner_id: int
    stored_likes: int
    """The flushed like count as read (``PendingLikes`` holds the rest)."""


_COMMENT_COLUMNS = [column for column in Comment.__table__.columns]


class EngagementService:
    def __init__(
        self, *, pending: PendingLikes, limiter: RateLimiter, comment_limit: Window
    ) -> None:
        """``comment_limit`` is per member: its key is the prefix of each member's window."""
        self.pending = pending
        self._limiter = limiter
        self._comment_limit = comment_limit

    # -- targets -------------------------------------------------------------------

    async def target(
        self, kind: Kind, id_: int, *, session: AsyncSession, lock: bool = False
    ) -> Target:
        """The live target ``kind``/``id_`` and its owner, or ``NotFound``."""
        missing = NotFound(f"There is no {kind.value.lower()} {id_} to engage with.")
        if kind is Kind.COMMENT:
            comment = await session.get(Comment, id_)
            if comment is None or comment.deleted:
                raise missing
            subject = await self._live_subject(
                Kind(comment.subject_kind), comment.subject_id, session=session, lock=lock
            )
            if subject is None:
                raise missing
            return Target((kind, id_), comment.author_id, comment.like_count)
        subject = await self._live_subject(kind, id_, session=session, lock=lock)
        if subject is None:
            raise missing
        return Target((kind, id_), subject.owner_id, subject.like_count)

    async def _live_subject(
        self, kind: Kind, id_: int, *, session: AsyncSession, lock: bool
    ) -> Subject | None:
        query = select(Subject).where(Subject.kind == kind.value, Subject.id == id_)
        subject = await session.scalar(query.with_for_update() if lock else query)
        return subject if subject is not None and not subject.deleted else None

    # -- likes ---------------------------------------------------------------------

    async def like(self, user: UserId, kind: Kind, id_: int, *, session: AsyncSession) -> Target:
        """Like the target and return it; liking it again changes nothing."""
        self._check_likeable(kind)
        target = await self.target(kind, id_, session=session)
        at = utcnow()
        row = {"user_id": user, "subject_kind": kind.value, "subject_id": id_, "created_at": at}
        result = cast(
            "CursorResult[Any]", await session.execute(insert_ignore(session, Like, [row]))
        )
        if result.rowcount == 0:
            return target
        like_id = int(result.lastrowid)
        await self._like_event(events.LIKE_ADDED, like_id, user, target, at, session)
        return target

    async def unlike(self, user: UserId, kind: Kind, id_: int, *, session: AsyncSession) -> Target:
        """Take the like back and return the target; unliking what is not liked changes nothing."""
        self._check_likeable(kind)
        target = await self.target(kind, id_, session=session)
        mine = and_(Like.user_id == user, Like.subject_kind == kind.value, Like.subject_id == id_)
        # One statement: the row counts for whoever deletes it, under any concurrency.
        like_id = await session.scalar(delete(Like).where(mine).returning(Like.id))
        if like_id is None:
            return target
        await self._like_event(events.LIKE_REMOVED, like_id, user, target, utcnow(), session)
        return target

    async def _like_event(
        self,
        event_type: str,
        like_id: int,
        user: UserId,
        target: Target,
        at: datetime,
        session: AsyncSession,
    ) -> None:
        kind, id_ = target.key
        event_id = await events.like_event(
            session,
            event_type,
            like_id=like_id,
            user_id=user,
            subject_kind=kind.value,
            subject_id=id_,
            subject_owner_id=target.owner_id,
            at=at,
        )
        delta = 1 if event_type == events.LIKE_ADDED else -1

        async def note() -> None:
            await self.pending.note([(event_id, target.key, delta)])

        after_commit(session, note)

    @staticmethod
    def _check_likeable(kind: Kind) -> None:
        if kind not in rules.LIKEABLE:
            raise BadUserInput("Only articles, answers and comments can be liked.", field="target")

    async def liked(
        self, user: UserId, keys: Collection[CountKey], *, session: AsyncSession
    ) -> set[CountKey]:
        """Which of ``keys`` the member likes, in one statement."""
        if not keys:
            return set()
        by_kind: dict[Kind, list[int]] = {}
        for kind, id_ in keys:
            by_kind.setdefault(kind, []).append(id_)
        found = set()
        conditions = [
            and_(Like.subject_kind == kind.value, Like.subject_id.in_(ids))
            for kind, ids in by_kind.items()
        ]
        rows = await session.execute(
            select(Like.subject_kind, Like.subject_id).where(Like.user_id == user, or_(*conditions))
        )
        for name, id_ in rows:
            found.add((Kind(name), int(id_)))
        return found

    # -- comments --------------------------------------------------------------------

    async def comment(
        self,
        author: UserId,
        kind: Kind,
        id_: int,
        body: str,
        reply_to: UserId | None,
        *,
        session: AsyncSession,
    ) -> CommentView:
        """Comment on an article or answer, or reply to a comment; return the new comment."""
        if kind not in (*rules.COMMENTABLE, Kind.COMMENT):
            raise BadUserInput(
                "Comments go on articles and answers, replies on comments.", field="target"
            )
        body = rules.check_comment_body(body)
        limit = self._comment_limit
        await self._limiter.reserve(replace(limit, key=f"{limit.key}{author}"))
        parent: Comment | None = None
        if kind is Kind.COMMENT:
            replied = await session.get(Comment, id_)
            if replied is None or replied.deleted:
                raise NotFound(f"There is no comment {id_} to reply to.")
            parent = (
                await session.get(Comment, replied.parent_id)
                if replied.parent_id is not None
                else replied
            )
            if parent is None:
                raise NotFound(f"There is no comment {id_} to reply to.")
            if reply_to is None and replied.parent_id is not None:
                reply_to = UserId(replied.author_id)
            kind = Kind(replied.subject_kind)
            id_ = replied.subject_id
        subject = await self._live_subject(kind, id_, session=session, lock=True)
        if subject is None:
            raise NotFound(f"There is no {kind.value.lower()} {id_} to comment on.")
        if parent is not None:
            # Locked after the subject, as every comment change does.
            await session.refresh(parent, with_for_update=True)
            if parent.deleted and parent.reply_count == 0:
                raise NotFound(f"There is no comment {parent.id} to reply to.")
            parent.reply_count += 1
        at = utcnow().replace(microsecond=0)
        comment = Comment(
            subject_kind=kind.value,
            subject_id=id_,
            author_id=author,
            parent_id=parent.id if parent is not None else None,
            reply_to_user_id=reply_to,
            body=body,
            created_at=at,
            deleted=False,
            reply_count=0,
            like_count=0,
        )
        session.add(comment)
        subject.comment_count += 1
        await session.flush()
        await events.comment_posted(
            session,
            comment_id=comment.id,
            subject_kind=kind.value,
            subject_id=id_,
            subject_owner_id=subject.owner_id,
            author_id=author,
            parent_id=comment.parent_id,
            parent_author_id=parent.author_id if parent is not None else None,
            reply_to_user_id=reply_to,
            at=at,
        )
        return CommentView.from_row(comment)

    async def delete_comment(
        self, viewer: UserId, id_: CommentId, *, session: AsyncSession
    ) -> CommentView:
        """Delete a comment as its author or the subject's owner; return it, deleted."""
        missing = NotFound(f"There is no comment {id_} to delete.")
        found = await session.get(Comment, id_)
        if found is None or found.deleted:
            raise missing
        subject = await session.scalar(
            select(Subject)
            .where(Subject.kind == found.subject_kind, Subject.id == found.subject_id)
            .with_for_update()
        )
        await session.refresh(found, with_for_update=True)
        if found.deleted:
            raise missing
        if viewer not in (found.author_id, subject.owner_id if subject else None):
            raise Forbidden("Only its author or the owner of what it is on can delete a comment.")
        found.deleted = True
        found.body = ""
        if subject is not None:
            subject.comment_count -= 1
        if found.parent_id is not None:
            await session.execute(
                update(Comment)
                .where(Comment.id == found.parent_id)
                .values(reply_count=Comment.reply_count - 1)
            )
        await session.flush()
        await events.comment_deleted(
            session,
            comment_id=found.id,
            subject_kind=found.subject_kind,
            subject_id=found.subject_id,
            author_id=found.author_id,
            parent_id=found.parent_id,
        )
        return CommentView.from_row(found)

    async def comments_by_id(
        self, ids: Collection[int], *, session: AsyncSession
    ) -> dict[int, CommentView]:
        if not ids:
            return {}
        rows = await session.execute(select(*_COMMENT_COLUMNS).where(Comment.id.in_(list(ids))))
        return {row.id: CommentView.from_row(row) for row in rows}

    async def comment_pages(
        self, keys: Sequence[CommentPageKey], *, session: AsyncSession
    ) -> dict[CommentPageKey, Page]:
        """Each subject's top-level comments after the cursor, newest first, in one statement.

        A deleted comment stays in the list while it has replies."""

        def page(key: CommentPageKey) -> Any:
            kind, id_, first, after = key
            shown = (Comment.deleted.is_(False)) | (Comment.reply_count > 0)
            query = select(*_COMMENT_COLUMNS).where(
                Comment.subject_kind == kind.value,
                Comment.subject_id == id_,
                Comment.parent_id.is_(None),
                shown,
            )
            if after is not None:
                query = query.where(Comment.id < after)
            return query.order_by(Comment.id.desc()).limit(first + 1)

        return await _pages(session, keys, page, lambda key: key[2], newest_first=True)

    async def reply_pages(
        self, keys: Sequence[ReplyPageKey], *, session: AsyncSession
    ) -> dict[ReplyPageKey, Page]:
        """Each comment's live replies after the cursor, oldest first, in one statement."""

        def page(key: ReplyPageKey) -> Any:
            parent, first, after = key
            query = select(*_COMMENT_COLUMNS).where(
                Comment.parent_id == parent, Comment.deleted.is_(False)
            )
            if after is not None:
                query = query.where(Comment.id > after)
            return query.order_by(Comment.id).limit(first + 1)

        return await _pages(session, keys, page, lambda key: key[1], newest_first=False)


async def _pages(
    session: AsyncSession,
    keys: Sequence[Any],
    page: Any,
    size_of: Any,
    *,
    newest_first: bool,
) -> dict[Any, Page]:
    """Many pages of comment rows as one ``UNION ALL`` (each part one more than its size)."""
    wanted = list(dict.fromkeys(keys))
    parts = []
    for index, key in enumerate(wanted):
        if size_of(key) > 0:
            one = page(key).subquery()
            parts.append(select(one, literal(index).label("part")))
    found: dict[int, list[CommentView]] = {index: [] for index in range(len(wanted))}
    if parts:
        statement = union_all(*parts) if len(parts) > 1 else parts[0]
        for row in await session.execute(statement):
            found[int(row.part)].append(CommentView.from_row(row))
    pages = {}
    for index, key in enumerate(wanted):
        items = sorted(found[index], key=lambda view: view.id, reverse=newest_first)
        size = size_of(key)
        pages[key] = Page(items=items[:size], has_next_page=len(items) > size)
    return pages
