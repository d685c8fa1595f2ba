"""The consumers that turn other domains' events into notifications and unread counts.

    notifications.social       <prefix>events:social       UserFollowed, UserUnfollowed
    notifications.engagement   <prefix>events:engagement   LikeAdded, LikeRemoved,
                                                           CommentPosted, CommentDeleted
    notifications.qa           <prefix>events:qa           AnswerPosted, AnswerAccepted,
                                                           AnswerDeleted, QuestionDeleted
    notifications.articles     <prefix>events:articles     ArticleDeleted
    notifications.chat         <prefix>events:chat         MessageSent, ConversationRead

The shared consumer records each event as processed in the transaction it
hands the handler, so a redelivered event changes nothing the second time.
An action's time is the payload's ``at`` where the event has one, else the
time the producer recorded the event.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.events import Consumer, Event, event_stream
from shared.ids import UserId
from subgraphs.notifications import kinds
from subgraphs.notifications.kinds import Kind, SubjectKind
from subgraphs.notifications.service import Activity, NotificationsService

Handler = Callable[[NotificationsService, Event, AsyncSession], Awaitable[None]]


def _at(event: Event) -> datetime:
    at = event.payload.get("at")
    if not isinstance(at, str):
        return event.occurred_at
    parsed = datetime.fromisoformat(at)
    # The contracts say UTC; a time written without its offset is read as UTC.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _user(payload: Mapping[str, Any], name: str) -> UserId:
    return UserId(int(payload[name]))


async def _followed(service: NotificationsService, event: Event, session: AsyncSession) -> None:
    follower, followee = _user(event.payload, "followerId"), _user(event.payload, "followeeId")
    activity = Activity(followee, follower, Kind.FOLLOWED, kinds.follow_key(follower), _at(event))
    await service.record(activity, session=session)


async def _unfollowed(service: NotificationsService, event: Event, session: AsyncSession) -> None:
    follower, followee = _user(event.payload, "followerId"), _user(event.payload, "followeeId")
    key = kinds.follow_key(follower)
    await service.withdraw(followee, key, follower, _at(event), session=session)


def _liked(event: Event) -> tuple[UserId, SubjectKind, int, str]:
    subject_kind = SubjectKind(event.payload["subjectKind"])
    subject_id = int(event.payload["subjectId"])
    owner = _user(event.payload, "subjectOwnerId")
    return owner, subject_kind, subject_id, kinds.like_key(subject_kind, subject_id)


async def _like_added(service: NotificationsService, event: Event, session: AsyncSession) -> None:
    owner, subject_kind, subject_id, key = _liked(event)
    activity = Activity(
        owner,
        _user(event.payload, "userId"),
        Kind.LIKED,
        key,
        _at(event),
        subject_kind=subject_kind,
        subject_id=subject_id,
    )
    await service.record(activity, session=session)


async def _like_removed(service: NotificationsService, event: Event, session: AsyncSession) -> None:
    owner, _, _, key = _liked(event)
    await service.withdraw(owner, key, _user(event.payload, "userId"), _at(event), session=session)


async def _commented(service: NotificationsService, event: Event, session: AsyncSession) -> None:
    payload = event.payload
    # One notification per recipient: a reply outranks a comment on the member's own content.
    recipients: dict[UserId, Kind] = {_user(payload, "subjectOwnerId"): Kind.COMMENTED}
    for name in ("parentAuthorId", "replyToUserId"):
        if payload.get(name) is not None:
            recipients[_user(payload, name)] = Kind.REPLIED
    comment = int(payload["commentId"])
    for recipient, kind in sorted(recipients.items()):
        activity = Activity(
            recipient,
            _user(payload, "authorId"),
            kind,
            kinds.comment_key(comment),
            _at(event),
            subject_kind=SubjectKind(payload["subjectKind"]),
            subject_id=int(payload["subjectId"]),
            comment_id=comment,
        )
        await service.record(activity, session=session)


async def _comment_deleted(
    service: NotificationsService, event: Event, session: AsyncSession
) -> None:
    comment = int(event.payload["commentId"])
    author = _user(event.payload, "authorId")
    await service.withdraw_everywhere(
        kinds.comment_key(comment), author, _at(event), session=session
    )
    await service.hide_subject(SubjectKind.COMMENT, comment, session=session)  # its likes


async def _answered(service: NotificationsService, event: Event, session: AsyncSession) -> None:
    answer = int(event.payload["answerId"])
    activity = Activity(
        _user(event.payload, "questionAuthorId"),
        _user(event.payload, "authorId"),
        Kind.ANSWERED,
        kinds.answer_key(answer),
        _at(event),
        subject_kind=SubjectKind.ANSWER,
        subject_id=answer,
    )
    await service.record(activity, session=session)


async def _accepted(service: NotificationsService, event: Event, session: AsyncSession) -> None:
    payload = event.payload
    answer, acceptor = int(payload["answerId"]), _user(payload, "questionAuthorId")
    previous = payload.get("previousAnswerId")
    if previous is not None and int(previous) != answer:
        key = kinds.accepted_key(int(previous))
        await service.withdraw_everywhere(key, acceptor, _at(event), session=session)
    activity = Activity(
        _user(payload, "authorId"),
        acceptor,
        Kind.ANSWER_ACCEPTED,
        kinds.accepted_key(answer),
        _at(event),
        subject_kind=SubjectKind.ANSWER,
        subject_id=answer,
    )
    await service.record(activity, session=session)


async def _answer_deleted(
    service: NotificationsService, event: Event, session: AsyncSession
) -> None:
    answer = int(event.payload["answerId"])
    await service.hide_subject(SubjectKind.ANSWER, answer, session=session)


async def _question_deleted(
    service: NotificationsService, event: Event, session: AsyncSession
) -> None:
    for answer in event.payload.get("answerIds", []):
        await service.hide_subject(SubjectKind.ANSWER, int(answer), session=session)


async def _article_deleted(
    service: NotificationsService, event: Event, session: AsyncSession
) -> None:
    article = int(event.payload["articleId"])
    await service.hide_subject(SubjectKind.ARTICLE, article, session=session)


async def _message_sent(service: NotificationsService, event: Event, session: AsyncSession) -> None:
    payload = event.payload
    if payload.get("kind") == "ROOM":
        return  # public rooms have no unread count: anyone may be in them
    sender = int(payload["senderId"])
    members = {UserId(int(m)) for m in payload.get("recipientIds", []) if int(m) != sender}
    await service.messages_arrived(
        members, int(payload["conversationId"]), int(payload["seq"]), session=session
    )


async def _conversation_read(
    service: NotificationsService, event: Event, session: AsyncSession
) -> None:
    payload = event.payload
    await service.conversation_read(
        _user(payload, "userId"),
        int(payload["conversationId"]),
        int(payload["seq"]),
        int(payload["unread"]),
        session=session,
    )


SOURCES: dict[str, dict[str, Handler]] = {
    "social": {"UserFollowed": _followed, "UserUnfollowed": _unfollowed},
    "engagement": {
        "LikeAdded": _like_added,
        "LikeRemoved": _like_removed,
        "CommentPosted": _commented,
        "CommentDeleted": _comment_deleted,
    },
    "qa": {
        "AnswerPosted": _answered,
        "AnswerAccepted": _accepted,
        "AnswerDeleted": _answer_deleted,
        "QuestionDeleted": _question_deleted,
    },
    "articles": {"ArticleDeleted": _article_deleted},
    "chat": {"MessageSent": _message_sent, "ConversationRead": _conversation_read},
}
"""Per source domain, the handler of each event type this domain consumes."""


def notification_consumers(
    service: NotificationsService, database: Database, redis: Redis, *, prefix: str
) -> list[Consumer]:
    def consumer(domain: str, handlers: dict[str, Handler]) -> Consumer:
        async def handle(event: Event, session: AsyncSession) -> None:
            await handlers[event.type](service, event, session)

        return Consumer(
            database,
            redis,
            stream=event_stream(prefix, domain),
            name=f"notifications.{domain}",
            handler=handle,
            event_types=list(handlers),
        )

    return [consumer(domain, handlers) for domain, handlers in SOURCES.items()]
