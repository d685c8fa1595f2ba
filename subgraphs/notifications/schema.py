"""The notifications subgraph: the viewer's ``Notification``s, unread counts, marking them read,
and two subscriptions.

Actors are ``User`` references by key and subjects are ``Article``, ``Answer``
or ``Comment`` references: the router resolves their fields at the domains
that own them, so a nickname is always the current one. Everything here is
the viewer's own; a signed-out caller gets ``UNAUTHENTICATED``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from shared.errors import AuthReason, BadUserInput, Unauthenticated
from shared.graphql.app import schema_extensions
from shared.graphql.arguments import After, First
from shared.graphql.connections import PageInfo
from shared.graphql.ids import parse_typed, require_id
from shared.graphql.scalars import schema_config
from shared.graphql.users import UserKey
from shared.ids import UserId
from shared.pagination import DEFAULT_FIRST, check_first, decode_cursor, encode_cursor
from subgraphs.notifications import kinds
from subgraphs.notifications.context import NotificationsContext
from subgraphs.notifications.live import Listener
from subgraphs.notifications.service import (
    MARK_MAX,
    NotificationId,
    NotificationView,
    Page,
    ReadSelection,
)
from subgraphs.notifications.service import UnreadCounts as Counts

NotificationsInfo = Info[NotificationsContext, None]
ACTORS_MAX = 20

NotificationCategory = strawberry.enum(
    kinds.Category,
    name="NotificationCategory",
    description="Where a notification counts in `unreadCounts`.",
)
NotificationKind = strawberry.enum(
    kinds.Kind,
    name="NotificationKind",
    description="What happened: FOLLOWED (a new follower), COMMENTED (on your content), "
    "REPLIED (to your comment, or to you), LIKED, ANSWERED (your question), ANSWER_ACCEPTED.",
)


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User(UserKey):
    pass


def _reference(name: str, description: str) -> type:
    @strawberry.federation.type(
        name=name, keys=[Key(fields=FieldSet("id"), resolvable=False)], description=description
    )
    class Reference:
        id: strawberry.ID

    return Reference


Article = _reference("Article", "An article.")
Answer = _reference("Answer", "A member's answer to a question.")
Comment = _reference("Comment", "A comment on an article or an answer.")

NotificationSubject = Annotated[
    Article | Answer | Comment,  # type: ignore[valid-type]
    strawberry.union("NotificationSubject", description="What a notification is about."),
]


@strawberry.federation.type(
    keys=["id"],
    description="News for the viewer; likes of one thing are one notification with many actors.",
)
class Notification:
    id: strawberry.ID
    kind: NotificationKind  # type: ignore[valid-type]
    category: NotificationCategory  # type: ignore[valid-type]
    read: bool
    actor_count: int = strawberry.field(description="How many members it gathers.")
    created_at: datetime
    updated_at: datetime = strawberry.field(
        description="The latest activity: a new actor moves the notification up."
    )
    view: strawberry.Private[NotificationView]

    @classmethod
    def of(cls, view: NotificationView) -> Notification:
        return cls(
            id=strawberry.ID(str(view.id)),
            kind=view.kind,
            category=view.category,
            read=view.read,
            actor_count=view.actor_count,
            created_at=view.created_at,
            updated_at=view.updated_at,
            view=view,
        )

    @classmethod
    async def resolve_reference(
        cls, info: NotificationsInfo, id: strawberry.ID
    ) -> Notification | None:
        key = parse_typed(id, NotificationId)
        view = await info.context.loaders.notifications.load(key) if key is not None else None
        if view is None or view.recipient_id != info.context.viewer:
            return None
        return cls.of(view)

    @strawberry.field(description="Who acted most recently (render 'Ada and 3 others').")
    def latest_actor(self) -> User:
        return User.of(self.view.latest_actor_id)

    @strawberry.field(description=f"The latest actors, latest first; at most {ACTORS_MAX}.")
    async def actors(self, info: NotificationsInfo, first: int = 3) -> list[User]:
        if not 0 <= first <= ACTORS_MAX:
            raise BadUserInput(
                f"The `first` argument must be between 0 and {ACTORS_MAX}.", field="first"
            )
        ids = await info.context.loaders.actors.load((self.view.id, first)) if first else []
        return [User.of(actor) for actor in ids]

    @strawberry.field(description="What it is about; null for a new follower.")
    def subject(self) -> NotificationSubject | None:
        view = self.view
        if view.subject_kind is None or view.subject_id is None:
            return None
        kind = {"ARTICLE": Article, "ANSWER": Answer, "COMMENT": Comment}[view.subject_kind.value]
        return kind(id=strawberry.ID(str(view.subject_id)))  # type: ignore[no-any-return]

    @strawberry.field(description="The comment or reply, for COMMENTED and REPLIED.")
    def comment(self) -> Comment | None:  # type: ignore[valid-type]
        if self.view.comment_id is None:
            return None
        return Comment(id=strawberry.ID(str(self.view.comment_id)))  # type: ignore[no-any-return]


@strawberry.type(description="One notification in a list, with its cursor.")
class NotificationEdge:
    cursor: str
    node: Notification


@strawberry.type(description="A page of the viewer's notifications, latest activity first.")
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page, total: int, after: str | None) -> NotificationConnection:
        edges = [
            NotificationEdge(cursor=encode_cursor(view.position), node=Notification.of(view))
            for view in page.items
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of(
                [e.cursor for e in edges], has_next_page=page.has_next_page, after=after
            ),
            total_count=total,
        )


@strawberry.type(description="The viewer's unread notifications per category, and chat messages.")
class UnreadCounts:
    total: int
    reply: int
    comment: int
    like: int
    follow: int
    answer: int
    chat: int = strawberry.field(description="Unread messages in direct and group chats.")

    @classmethod
    def of(cls, counts: Counts) -> UnreadCounts:
        category = kinds.Category
        return cls(
            total=counts.total,
            reply=counts.of(category.REPLY),
            comment=counts.of(category.COMMENT),
            like=counts.of(category.LIKE),
            follow=counts.of(category.FOLLOW),
            answer=counts.of(category.ANSWER),
            chat=counts.chat,
        )


@strawberry.type(description="What `markNotificationsRead` changed.")
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(description="How many turned from unread to read.")
    unread_counts: UnreadCounts


async def _next_change(listener: Listener, expires_at: int) -> None:
    """Until the listener hears something; ``UNAUTHENTICATED`` (``EXPIRED``) once the token
    the subscription started with has expired, so a socket outlives no token."""
    try:
        async with asyncio.timeout(max(0.0, expires_at - time.time())):
            await listener.wait()
    except TimeoutError:
        raise Unauthenticated(
            "Your access token expired: subscribe again with a fresh one.",
            reason=AuthReason.EXPIRED,
        ) from None


def _subscriber(info: NotificationsInfo) -> tuple[UserId, int]:
    """The signed-in subscriber and when their access token expires (epoch seconds)."""
    viewer = info.context.require_viewer()
    claims = info.context.claims
    assert claims is not None, "a viewer comes from a token"
    return viewer, claims.expires_at


async def _counts(info: NotificationsInfo, viewer: UserId) -> Counts:
    async with info.context.database.transaction() as session:
        return await info.context.service.unread_counts(viewer, session=session)


@strawberry.type
class Query:
    @strawberry.field(description="Your notifications, latest activity first.")
    async def notifications(
        self,
        info: NotificationsInfo,
        first: First = DEFAULT_FIRST,
        after: After = None,
        category: Annotated[
            NotificationCategory | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only this category."),
        ] = None,
    ) -> NotificationConnection:
        viewer = info.context.require_viewer()
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        service = info.context.service
        async with info.context.database.transaction() as session:
            page = await service.page(viewer, category, size, position, session=session)
            total = await service.total(viewer, category, session=session)
        return NotificationConnection.of(page, total, after)

    @strawberry.field(description="Your unread counts: the red dot.")
    async def unread_counts(self, info: NotificationsInfo) -> UnreadCounts:
        return UnreadCounts.of(await _counts(info, info.context.require_viewer()))


def _selection(
    ids: list[strawberry.ID] | None, category: kinds.Category | None, all: bool
) -> ReadSelection:
    if sum((ids is not None, category is not None, all)) != 1:
        raise BadUserInput(
            "Say which to mark read: `ids`, a `category`, or `all: true` (exactly one).",
            field="ids",
        )
    if ids is None:
        return ReadSelection(category=category)
    if len(ids) > MARK_MAX:
        raise BadUserInput(f"Mark at most {MARK_MAX} ids at a time.", field="ids")
    return ReadSelection(ids=[require_id(id_, NotificationId, field="ids") for id_ in ids])


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Mark your notifications read: these `ids`, one `category`, or `all`. "
        "Ids that are not yours are skipped; marking read twice changes nothing."
    )
    async def mark_notifications_read(
        self,
        info: NotificationsInfo,
        ids: list[strawberry.ID] | None = None,
        category: NotificationCategory | None = None,  # type: ignore[valid-type]
        all: bool = False,
    ) -> MarkNotificationsReadPayload:
        viewer = info.context.require_viewer()
        selection = _selection(ids, category, all)
        service = info.context.service
        async with info.context.database.transaction() as session:
            marked = await service.mark_read(viewer, selection, session=session)
            counts = await service.unread_counts(viewer, session=session)
        return MarkNotificationsReadPayload(marked=marked, unread_counts=UnreadCounts.of(counts))


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Your notifications as they arrive: a new one, or one a new actor joined."
    )
    async def notification_received(
        self, info: NotificationsInfo
    ) -> AsyncGenerator[Notification, None]:
        viewer, expires_at = _subscriber(info)
        async with info.context.live.listen(viewer) as listener:
            while True:
                await _next_change(listener, expires_at)
                ids, _ = listener.take()
                for id_ in ids:
                    # A fresh read: the loader of this long-lived request would cache.
                    async with info.context.database.transaction() as session:
                        found = await info.context.service.notifications_by_id(
                            [NotificationId(id_)], session=session
                        )
                    view = found.get(NotificationId(id_))
                    if view is not None and view.recipient_id == viewer:
                        yield Notification.of(view)

    @strawberry.subscription(
        description="Your unread counts: first as they are, then each time they change."
    )
    async def unread_counts_changed(
        self, info: NotificationsInfo
    ) -> AsyncGenerator[UnreadCounts, None]:
        viewer, expires_at = _subscriber(info)
        async with info.context.live.listen(viewer) as listener:
            last = await _counts(info, viewer)
            yield UnreadCounts.of(last)
            while True:
                await _next_change(listener, expires_at)
                listener.take()
                counts = await _counts(info, viewer)
                if counts != last:
                    last = counts
                    yield UnreadCounts.of(counts)


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[User, Notification, Article, Answer, Comment],
        extensions=schema_extensions(),
        config=schema_config(),
        federation_version="2.11",
    )
