"""The business rules of notifications. Functions take the caller's session and never commit.

Recording (from the consumers): an activity names a recipient, an actor, a
kind and a group key (:mod:`subgraphs.notifications.kinds`). Self-actions
are dropped. Every change to a group first creates or locks its row
(:func:`~subgraphs.notifications.upserts.ensure_group`), so changes to one
group serialize on every replica, then reads and writes its actors:

- a new actor joins the group, becomes its latest actor, and the
  notification turns unread and moves to the top;
- an actor who withdrew and acts again counts again, but the notification
  keeps its read state and place (liking and unliking over and over alerts
  nobody);
- a withdrawal (unlike, unfollow, a deleted comment or answer) takes the actor
  out; a group with no actor left is hidden, from lists and counts alike;
- an action older than the actor's last recorded one (an event delivered
  late) changes nothing, and a withdrawal that arrives before its action
  is recorded, so the action arriving after it stays withdrawn.

Reading: the recipient's visible notifications, latest activity first
(``updated_at``, ``id``), on keyset cursors; unread counts are one grouped
count over an index. After commit each change is published to the members
it touches (:class:`~subgraphs.notifications.live.LiveHub`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NewType

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import after_commit, utcnow
from shared.ids import UserId
from shared.pagination import Position
from subgraphs.notifications import upserts
from subgraphs.notifications.kinds import Category, Kind, SubjectKind
from subgraphs.notifications.live import LiveHub
from subgraphs.notifications.models import ChatUnread, Notification, NotificationActor

NotificationId = NewType("NotificationId", int)
MARK_MAX = 100
"""At most this many ids per ``markNotificationsRead`` call."""


@dataclass(frozen=True, slots=True)
class Activity:
    """Something ``actor`` did that concerns ``recipient``."""

    recipient: UserId
    actor: UserId
    kind: Kind
    group_key: str
    at: datetime
    subject_kind: SubjectKind | None = None
    subject_id: int | None = None
    comment_id: int | None = None


@dataclass(frozen=True, slots=True)
class NotificationView:
    id: NotificationId
    recipient_id: UserId
    kind: Kind
    subject_kind: SubjectKind | None
    subject_id: int | None
    comment_id: int | None
    latest_actor_id: UserId
    actor_count: int
    read: bool
    created_at: datetime
    updated_at: datetime

    @property
    def category(self) -> Category:
        return self.kind.category

    @property
    def position(self) -> Position:
        return Position(self.updated_at, self.id)

    @classmethod
    def from_row(cls, row: Notification) -> NotificationView:
        return cls(
            id=NotificationId(row.id),
            recipient_id=UserId(row.recipient_id),
            kind=Kind(row.kind),
            subject_kind=SubjectKind(row.subject_kind) if row.subject_kind else None,
            subject_id=row.subject_id,
            comment_id=row.comment_id,
            latest_actor_id=UserId(row.latest_actor_id),
            actor_count=row.actor_count,
            read=row.is_read,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )


@dataclass(frozen=True, slots=True)
class UnreadCounts:
    by_category: dict[Category, int] = field(default_factory=dict)
    chat: int = 0

    def of(self, category: Category) -> int:
        return self.by_category.get(category, 0)

    @property
    def total(self) -> int:
        return sum(self.by_category.values()) + self.chat


@dataclass(frozen=True, slots=True)
class Page:
    items: list[NotificationView]
    has_next_page: bool


@dataclass(frozen=True, slots=True)
class ReadSelection:
    """Which notifications to mark read: these ids, this category, or (neither) all."""

    ids: Sequence[NotificationId] | None = None
    category: Category | None = None


def now() -> datetime:
    # Whole seconds, as MariaDB's DATETIME stores them, so a cursor holds the stored value.
    return utcnow().replace(microsecond=0)


def _visible(recipient: UserId) -> list[ColumnElement[bool]]:
    return [Notification.recipient_id == recipient, Notification.actor_count > 0]


class NotificationsService:
    def __init__(self, live: LiveHub) -> None:
        self._live = live

    # -- recording ------------------------------------------------------------------

    async def record(self, activity: Activity, *, session: AsyncSession) -> bool:
        """Add the activity to its group; whether it alerts the recipient (a new actor)."""
        if activity.actor == activity.recipient:
            return False
        stamp = activity.at.replace(microsecond=0)
        await upserts.ensure_group(
            session,
            {
                "recipient_id": activity.recipient,
                "group_key": activity.group_key,
                "kind": activity.kind.value,
                "category": activity.kind.category.value,
                "subject_kind": activity.subject_kind.value if activity.subject_kind else None,
                "subject_id": activity.subject_id,
                "comment_id": activity.comment_id,
                "latest_actor_id": activity.actor,
                "actor_count": 0,
                "is_read": False,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        group = await self._locked_group(activity.recipient, activity.group_key, session=session)
        # A withdrawal that came first made the row with placeholder facts: set the real ones.
        group.kind, group.category = activity.kind.value, activity.kind.category.value
        group.subject_kind = activity.subject_kind.value if activity.subject_kind else None
        group.subject_id, group.comment_id = activity.subject_id, activity.comment_id
        actor = await session.get(NotificationActor, (group.id, activity.actor))
        if actor is not None and (actor.active or actor.acted_at > activity.at):
            return False
        if actor is None:
            session.add(
                NotificationActor(
                    notification_id=group.id,
                    actor_id=activity.actor,
                    active=True,
                    acted_at=activity.at,
                )
            )
            group.is_read = False
            group.updated_at = max(group.updated_at, stamp) if group.actor_count else stamp
            group.latest_actor_id = activity.actor
        else:
            actor.active, actor.acted_at = True, activity.at
            if group.actor_count == 0:
                group.latest_actor_id = activity.actor
        group.actor_count += 1
        await session.flush()
        alerted = actor is None
        self._publish(session, [activity.recipient], group.id if alerted else None)
        return alerted

    async def withdraw(
        self,
        recipient: UserId,
        group_key: str,
        actor_id: UserId,
        at: datetime,
        *,
        session: AsyncSession,
    ) -> None:
        """Take the actor's action out of the group (an unlike, an unfollow, a deletion)."""
        if actor_id == recipient:
            return
        stamp = at.replace(microsecond=0)
        await upserts.ensure_group(
            session,
            {
                "recipient_id": recipient,
                "group_key": group_key,
                "kind": Kind.LIKED.value,  # a placeholder until the action itself arrives
                "category": Kind.LIKED.category.value,
                "latest_actor_id": actor_id,
                "actor_count": 0,
                "is_read": True,
                "created_at": stamp,
                "updated_at": stamp,
            },
        )
        group = await self._locked_group(recipient, group_key, session=session)
        actor = await session.get(NotificationActor, (group.id, actor_id))
        if actor is None:
            # The withdrawal overtook its action: remember it, so the action stays withdrawn.
            session.add(
                NotificationActor(
                    notification_id=group.id, actor_id=actor_id, active=False, acted_at=at
                )
            )
            await session.flush()
            return
        if actor.acted_at > at:
            return
        was_active = actor.active
        actor.active, actor.acted_at = False, at
        await session.flush()
        if not was_active:
            return
        group.actor_count -= 1
        if group.latest_actor_id == actor_id and group.actor_count > 0:
            latest = await session.scalar(
                select(NotificationActor.actor_id)
                .where(
                    NotificationActor.notification_id == group.id,
                    NotificationActor.active.is_(True),
                )
                .order_by(NotificationActor.acted_at.desc())
                .limit(1)
            )
            group.latest_actor_id = latest if latest is not None else group.latest_actor_id
        await session.flush()
        self._publish(session, [recipient], None)

    async def withdraw_everywhere(
        self, group_key: str, actor_id: UserId, at: datetime, *, session: AsyncSession
    ) -> None:
        """Withdraw the actor's action from the group of every recipient that has it."""
        recipients = await session.scalars(
            select(Notification.recipient_id)
            .where(Notification.group_key == group_key)
            .order_by(Notification.recipient_id)
        )
        for recipient in list(recipients):
            await self.withdraw(UserId(recipient), group_key, actor_id, at, session=session)

    async def hide_subject(
        self, subject_kind: SubjectKind, subject_id: int, *, session: AsyncSession
    ) -> None:
        """Hide every notification about a subject that is gone (a deleted article)."""
        where = and_(
            Notification.subject_kind == subject_kind.value,
            Notification.subject_id == subject_id,
            Notification.actor_count > 0,
        )
        recipients = list(
            await session.scalars(select(Notification.recipient_id).where(where).distinct())
        )
        if recipients:
            groups = select(Notification.id).where(where).scalar_subquery()
            await session.execute(
                update(NotificationActor)
                .where(NotificationActor.notification_id.in_(groups))
                .values(active=False)
            )
            await session.execute(update(Notification).where(where).values(actor_count=0))
            self._publish(session, [UserId(r) for r in recipients], None)

    async def _locked_group(
        self, recipient: UserId, group_key: str, *, session: AsyncSession
    ) -> Notification:
        group = await session.scalar(
            select(Notification)
            .where(Notification.recipient_id == recipient, Notification.group_key == group_key)
            .with_for_update()
        )
        assert group is not None, "ensure_group created it in this transaction"
        return group

    # -- chat -----------------------------------------------------------------------

    async def messages_arrived(
        self, members: Collection[UserId], conversation: int, seq: int, *, session: AsyncSession
    ) -> None:
        """A message ``seq`` in ``conversation`` for ``members`` (the sender is not among them)."""
        if members:
            await upserts.count_messages(session, sorted(members), conversation, seq)
            self._publish(session, list(members), None)

    async def conversation_read(
        self, member: UserId, conversation: int, seq: int, unread: int, *, session: AsyncSession
    ) -> None:
        await upserts.read_up_to(session, member, conversation, seq, max(0, unread))
        self._publish(session, [member], None)

    # -- reading --------------------------------------------------------------------

    async def page(
        self,
        recipient: UserId,
        category: Category | None,
        size: int,
        position: Position | None,
        *,
        session: AsyncSession,
    ) -> Page:
        """The recipient's notifications, latest activity first."""
        query = select(Notification).where(*_visible(recipient))
        if category is not None:
            query = query.where(Notification.category == category.value)
        if position is not None:
            query = query.where(
                or_(
                    Notification.updated_at < position.created_at,
                    and_(
                        Notification.updated_at == position.created_at,
                        Notification.id < position.id,
                    ),
                )
            )
        query = query.order_by(Notification.updated_at.desc(), Notification.id.desc())
        rows = list(await session.scalars(query.limit(size + 1))) if size else []
        items = [NotificationView.from_row(row) for row in rows[:size]]
        return Page(items=items, has_next_page=len(rows) > size)

    async def total(
        self, recipient: UserId, category: Category | None, *, session: AsyncSession
    ) -> int:
        query = select(func.count()).select_from(Notification).where(*_visible(recipient))
        if category is not None:
            query = query.where(Notification.category == category.value)
        return int(await session.scalar(query) or 0)

    async def notifications_by_id(
        self, ids: Collection[NotificationId], *, session: AsyncSession
    ) -> dict[NotificationId, NotificationView]:
        """Visible notifications by id (a hidden one reads as missing)."""
        rows = await session.scalars(
            select(Notification).where(Notification.id.in_(ids), Notification.actor_count > 0)
        )
        return {NotificationId(row.id): NotificationView.from_row(row) for row in rows}

    async def actors_of(
        self, ids: Collection[NotificationId], limit: int, *, session: AsyncSession
    ) -> dict[NotificationId, list[UserId]]:
        """Each notification's latest ``limit`` actors still acting, latest first."""
        ranked = (
            select(
                NotificationActor.notification_id,
                NotificationActor.actor_id,
                func.row_number()
                .over(
                    partition_by=NotificationActor.notification_id,
                    order_by=(NotificationActor.acted_at.desc(), NotificationActor.actor_id.desc()),
                )
                .label("rank"),
            )
            .where(NotificationActor.notification_id.in_(ids), NotificationActor.active.is_(True))
            .subquery()
        )
        found: dict[NotificationId, list[UserId]] = {id_: [] for id_ in ids}
        rows = await session.execute(
            select(ranked.c.notification_id, ranked.c.actor_id)
            .where(ranked.c.rank <= limit)
            .order_by(ranked.c.notification_id, ranked.c.rank)
        )
        for notification_id, actor_id in rows:
            found[NotificationId(notification_id)].append(UserId(actor_id))
        return found

    async def unread_counts(self, recipient: UserId, *, session: AsyncSession) -> UnreadCounts:
        rows = await session.execute(
            select(Notification.category, func.count())
            .where(*_visible(recipient), Notification.is_read.is_(False))
            .group_by(Notification.category)
        )
        chat = await session.scalar(
            select(func.coalesce(func.sum(ChatUnread.unread), literal(0))).where(
                ChatUnread.user_id == recipient
            )
        )
        return UnreadCounts(
            by_category={Category(category): int(n) for category, n in rows},
            chat=int(chat or 0),
        )

    # -- marking read -----------------------------------------------------------------

    async def mark_read(
        self, recipient: UserId, selection: ReadSelection, *, session: AsyncSession
    ) -> int:
        """Mark the recipient's own unread notifications read; how many changed.

        Ids of others' notifications, or of none, are skipped: a member can only
        ever touch their own.
        """
        where = [*_visible(recipient), Notification.is_read.is_(False)]
        if selection.ids is not None:
            where.append(Notification.id.in_(selection.ids))
        if selection.category is not None:
            where.append(Notification.category == selection.category.value)
        result = await session.execute(update(Notification).where(*where).values(is_read=True))
        changed = int(result.rowcount)  # type: ignore[attr-defined]
        if changed:
            self._publish(session, [recipient], None)
        return changed

    def _publish(
        self, session: AsyncSession, members: Iterable[UserId], notification: int | None
    ) -> None:
        members = list(members)

        async def publish() -> None:
            await self._live.publish(members, notification)

        after_commit(session, publish)
