"""Events engagement announces, recorded in the outbox in the transaction of the change.

    LikeAdded       {"likeId", "userId", "subjectKind": "ARTICLE" | "ANSWER" | "COMMENT",
                     "subjectId", "subjectOwnerId", "at": ISO-8601 UTC}
    LikeRemoved     same keys; ``likeId`` is the id of the removed like
    CommentPosted   {"commentId", "subjectKind": "ARTICLE" | "ANSWER", "subjectId",
                     "subjectOwnerId", "authorId", "parentId": int | null,
                     "parentAuthorId": int | null, "replyToUserId": int | null, "at"}
    CommentDeleted  {"commentId", "subjectKind", "subjectId", "authorId", "parentId": int | null}

Like events have the liked subject as aggregate (``ARTICLE:7``), comment
events the comment. A like or unlike that changes nothing records nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import record_event

LIKE_ADDED = "LikeAdded"
LIKE_REMOVED = "LikeRemoved"
COMMENT_POSTED = "CommentPosted"
COMMENT_DELETED = "CommentDeleted"


async def like_event(
    session: AsyncSession,
    event_type: str,
    *,
    like_id: int,
    user_id: int,
    subject_kind: str,
    subject_id: int,
    subject_owner_id: int,
    at: datetime,
) -> str:
    """Record LikeAdded or LikeRemoved and return the event id."""
    return await record_event(
        session,
        aggregate_type="like",
        aggregate_id=f"{subject_kind}:{subject_id}",
        event_type=event_type,
        payload={
            "likeId": like_id,
            "userId": user_id,
            "subjectKind": subject_kind,
            "subjectId": subject_id,
            "subjectOwnerId": subject_owner_id,
            "at": at.isoformat(),
        },
    )


async def comment_posted(
    session: AsyncSession,
    *,
    comment_id: int,
    subject_kind: str,
    subject_id: int,
    subject_owner_id: int,
    author_id: int,
    parent_id: int | None,
    parent_author_id: int | None,
    reply_to_user_id: int | None,
    at: datetime,
) -> None:
    await record_event(
        session,
        aggregate_type="comment",
        aggregate_id=comment_id,
        event_type=COMMENT_POSTED,
        payload={
            "commentId": comment_id,
            "subjectKind": subject_kind,
            "subjectId": subject_id,
            "subjectOwnerId": subject_owner_id,
            "authorId": author_id,
            "parentId": parent_id,
            "parentAuthorId": parent_author_id,
            "replyToUserId": reply_to_user_id,
            "at": at.isoformat(),
        },
    )


async def comment_deleted(
    session: AsyncSession,
    *,
    comment_id: int,
    subject_kind: str,
    subject_id: int,
    author_id: int,
    parent_id: int | None,
) -> None:
    await record_event(
        session,
        aggregate_type="comment",
        aggregate_id=comment_id,
        event_type=COMMENT_DELETED,
        payload={
            "commentId": comment_id,
            "subjectKind": subject_kind,
            "subjectId": subject_id,
            "authorId": author_id,
            "parentId": parent_id,
        },
    )
