"""The chat service: conversations, membership, sending and reading messages.

Every change to a conversation first locks its row (``FOR UPDATE``; on
SQLite every transaction is ``BEGIN IMMEDIATE``), so sequence numbers,
member counts and the member limit hold under concurrent writers (see
:mod:`subgraphs.chat.models`). Functions take the caller's session and never
commit; live events are published once the caller's transaction has
committed (:func:`shared.db.after_commit`), so a subscriber never sees a
message that was rolled back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, delete, func, insert, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import after_commit, utcnow
from shared.errors import BadUserInput, Conflict, Forbidden, NotFound
from shared.ids import UserId
from shared.pagination import Position
from shared.ratelimit import RateLimiter, Window
from subgraphs.chat import events, rules
from subgraphs.chat.live import Hub
from subgraphs.chat.models import Conversation, Invitation, Member, Message
from subgraphs.chat.views import (
    ConversationId,
    ConversationView,
    Kind,
    Membership,
    MessageId,
    MessageView,
)

T = TypeVar("T")

SEND_WINDOW_SECONDS = 10


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    has_next_page: bool
    has_previous_page: bool = False


@dataclass(frozen=True, slots=True)
class Limits:
    group_members: int
    room_members: int
    sends_per_window: int


def now() -> datetime:
    # Whole seconds, as MariaDB's DATETIME stores them, so a cursor holds the stored value.
    return utcnow().replace(microsecond=0)


def _direct_key(a: UserId, b: UserId) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


class ChatService:
    def __init__(
        self,
        *,
        hub: Hub,
        limiter: RateLimiter,
        limits: Limits,
        prefix: str,
        stream_reads: int = 8,
    ) -> None:
        self.hub = hub
        # Database reads serving live streams (a subscription's first read, catching up, a
        # gap) wait here, not on the connection pool, whose checkout is bounded: a burst of
        # thousands of subscribes queues instead of being refused.
        self.stream_reads = asyncio.Semaphore(stream_reads)
        self._limiter = limiter
        self._limits = limits
        self._prefix = prefix

    # -- conversations -----------------------------------------------------------

    async def start_direct(
        self, viewer: UserId, other: UserId, *, session: AsyncSession
    ) -> ConversationView:
        """The pair's one direct conversation, created on first use."""
        if other == viewer:
            raise BadUserInput("You cannot start a conversation with yourself.", field="userId")
        key = _direct_key(viewer, other)
        existing = await session.scalar(select(Conversation).where(Conversation.direct_key == key))
        if existing is not None:
            return ConversationView.from_row(existing)
        at = now()
        try:
            async with session.begin_nested():
                conversation = Conversation(
                    kind=Kind.DIRECT.value,
                    direct_key=key,
                    member_count=2,
                    last_seq=0,
                    created_at=at,
                    last_activity_at=utcnow(),
                )
                session.add(conversation)
                await session.flush()
                for user in (viewer, other):
                    session.add(
                        Member(
                            conversation_id=conversation.id,
                            user_id=user,
                            last_read_seq=0,
                            joined_at=at,
                        )
                    )
                await session.flush()
        except IntegrityError:
            # The other member started it at the same moment: theirs is the pair's.
            existing = await session.scalar(
                select(Conversation).where(Conversation.direct_key == key)
            )
            if existing is None:
                raise
            return ConversationView.from_row(existing)
        await self._announce_membership(session, conversation.id, (viewer, other), "joined")
        return ConversationView.from_row(conversation)

    async def create_room(
        self, owner: UserId, title: str, *, public: bool, session: AsyncSession
    ) -> ConversationView:
        title = rules.check_title(title)
        at = now()
        conversation = Conversation(
            kind=(Kind.ROOM if public else Kind.GROUP).value,
            title=title,
            owner_id=owner,
            member_count=1,
            last_seq=0,
            created_at=at,
            last_activity_at=utcnow(),
        )
        session.add(conversation)
        await session.flush()
        session.add(
            Member(conversation_id=conversation.id, user_id=owner, last_read_seq=0, joined_at=at)
        )
        await session.flush()
        return ConversationView.from_row(conversation)

    async def invite(
        self,
        viewer: UserId,
        conversation_id: ConversationId,
        user: UserId,
        *,
        session: AsyncSession,
    ) -> ConversationView:
        """A member invites someone into a group room; repeating changes nothing."""
        conversation = await self._locked(conversation_id, session=session)
        if conversation.kind == Kind.DIRECT.value:
            raise BadUserInput(
                "A direct conversation has exactly two members.", field="conversationId"
            )
        await self._require_member(conversation, viewer, session=session)
        if await self._member_row(conversation.id, user, session=session) is None:
            invited = await session.scalar(
                select(Invitation.user_id).where(
                    Invitation.conversation_id == conversation.id, Invitation.user_id == user
                )
            )
            if invited is None:
                await session.execute(
                    insert(Invitation).values(
                        conversation_id=conversation.id,
                        user_id=user,
                        invited_by=viewer,
                        created_at=now(),
                    )
                )
        return ConversationView.from_row(conversation)

    async def join(
        self, viewer: UserId, conversation_id: ConversationId, *, session: AsyncSession
    ) -> ConversationView:
        """Join a public room, or a group room one was invited to; repeating changes nothing."""
        conversation = await self._locked(conversation_id, session=session)
        if await self._member_row(conversation.id, viewer, session=session) is not None:
            return ConversationView.from_row(conversation)
        if conversation.kind == Kind.DIRECT.value:
            raise Forbidden("Nobody joins a direct conversation: start your own.")
        if conversation.kind == Kind.GROUP.value:
            invited = await session.execute(
                delete(Invitation).where(
                    Invitation.conversation_id == conversation.id, Invitation.user_id == viewer
                )
            )
            if not getattr(invited, "rowcount", 0):
                raise Forbidden("This group room is by invitation: ask a member to invite you.")
        limit = (
            self._limits.group_members
            if conversation.kind == Kind.GROUP.value
            else self._limits.room_members
        )
        if conversation.member_count >= limit:
            raise Conflict(f"This room is full: it has its limit of {limit} members.")
        session.add(
            Member(
                conversation_id=conversation.id,
                user_id=viewer,
                last_read_seq=conversation.last_seq,
                joined_at=now(),
            )
        )
        conversation.member_count += 1
        await session.flush()
        await self._announce_membership(session, conversation.id, (viewer,), "joined")
        return ConversationView.from_row(conversation)

    async def leave(
        self, viewer: UserId, conversation_id: ConversationId, *, session: AsyncSession
    ) -> ConversationView:
        """Leave a group or public room; leaving one you are not in changes nothing."""
        conversation = await self._locked(conversation_id, session=session)
        if conversation.kind == Kind.DIRECT.value:
            raise Forbidden("A direct conversation cannot be left.")
        await self._drop_member(conversation, viewer, session=session)
        return ConversationView.from_row(conversation)

    async def remove_member(
        self,
        viewer: UserId,
        conversation_id: ConversationId,
        user: UserId,
        *,
        session: AsyncSession,
    ) -> ConversationView:
        """The room's owner removes a member, who stops receiving its messages at once."""
        conversation = await self._locked(conversation_id, session=session)
        if conversation.owner_id != viewer:
            raise Forbidden("Only the room's owner may remove its members.")
        if user == viewer:
            raise BadUserInput("Leave the room instead of removing yourself.", field="userId")
        await self._drop_member(conversation, user, session=session)
        return ConversationView.from_row(conversation)

    async def _drop_member(
        self, conversation: Conversation, user: UserId, *, session: AsyncSession
    ) -> None:
        removed = await session.execute(
            delete(Member).where(Member.conversation_id == conversation.id, Member.user_id == user)
        )
        if getattr(removed, "rowcount", 0):
            conversation.member_count -= 1
            await session.flush()
            await self._announce_membership(session, conversation.id, (user,), "removed")

    async def _announce_membership(
        self, session: AsyncSession, conversation_id: int, users: Sequence[UserId], change: str
    ) -> None:
        hub = self.hub
        live = [
            (hub.conversation_channel(conversation_id), {"type": change, "userId": user})
            for user in users
        ] + [
            (hub.user_channel(user), {"type": change, "conversationId": conversation_id})
            for user in users
        ]
        self._publish_after_commit(session, live)

    def _publish_after_commit(
        self, session: AsyncSession, live: list[tuple[str, dict[str, Any]]]
    ) -> None:
        """Publish the live events once ``session``'s transaction has committed."""
        hub = self.hub

        async def publish() -> None:
            await hub.publish(live)

        after_commit(session, publish)

    # -- messages ----------------------------------------------------------------

    async def send(
        self,
        sender: UserId,
        conversation_id: ConversationId,
        client_message_id: str,
        body: str,
        *,
        session: AsyncSession,
    ) -> MessageView:
        """Add a message with the conversation's next sequence number; a retry with the same
        ``client_message_id`` returns the message the first attempt wrote."""
        client_message_id = rules.check_client_message_id(client_message_id)
        body = rules.check_body(body)
        await self._limiter.reserve(
            Window(
                key=f"{self._prefix}chat:sends:{sender}",
                limit=self._limits.sends_per_window,
                seconds=SEND_WINDOW_SECONDS,
                message=f"You are sending too fast: at most {self._limits.sends_per_window} "
                f"messages per {SEND_WINDOW_SECONDS} seconds.",
            )
        )
        conversation, member, earlier = await self._locked_for_send(
            conversation_id, sender, client_message_id, session=session
        )
        if earlier is not None:
            return earlier
        at = now()
        message = Message(
            conversation_id=conversation.id,
            seq=conversation.last_seq + 1,
            sender_id=sender,
            client_message_id=client_message_id,
            body=body,
            created_at=at,
        )
        session.add(message)
        await session.flush()
        conversation.last_seq = message.seq
        conversation.last_message_id = message.id
        conversation.last_activity_at = utcnow()
        member.last_read_seq = message.seq
        await session.flush()
        view = MessageView.from_row(message)
        kind = Kind(conversation.kind)
        recipients = (
            []
            if kind is Kind.ROOM
            else [
                UserId(user)
                for user in await session.scalars(
                    select(Member.user_id).where(
                        Member.conversation_id == conversation.id, Member.user_id != sender
                    )
                )
            ]
        )
        await events.conversation_event(
            session,
            events.MESSAGE_SENT,
            conversation.id,
            {
                "kind": kind.value,
                "messageId": view.id,
                "seq": view.seq,
                "senderId": sender,
                "recipientIds": sorted(recipients),
                "at": at.isoformat(),
            },
        )
        self._publish_message(session, view, [] if kind is Kind.ROOM else [sender, *recipients])
        return view

    def _publish_message(
        self, session: AsyncSession, view: MessageView, members: Sequence[UserId]
    ) -> None:
        hub = self.hub
        event = view.event()
        activity = {"type": "activity", "conversationId": view.conversation_id, "message": event}
        live = [(hub.conversation_channel(view.conversation_id), event)] + [
            (hub.user_channel(user), activity) for user in members
        ]
        self._publish_after_commit(session, live)

    async def mark_read(
        self, viewer: UserId, conversation_id: ConversationId, seq: int, *, session: AsyncSession
    ) -> Membership:
        """Move the viewer's read mark forward to ``seq`` (never back, never past the end)."""
        if seq < 0:
            raise BadUserInput("The sequence number must be 0 or more.", field="seq")
        conversation = await self._locked(conversation_id, session=session)
        member = await self._require_member(conversation, viewer, session=session)
        target = min(seq, conversation.last_seq)
        if target > member.last_read_seq:
            member.last_read_seq = target
            await session.flush()
            membership = Membership(ConversationView.from_row(conversation), target)
            await events.conversation_event(
                session,
                events.CONVERSATION_READ,
                conversation.id,
                {"userId": viewer, "seq": target, "unread": membership.unread},
            )
            read = {"type": "read", "conversationId": conversation.id, "seq": target}
            self._publish_after_commit(session, [(self.hub.user_channel(viewer), read)])
            return membership
        return Membership(ConversationView.from_row(conversation), member.last_read_seq)

    # -- reading -----------------------------------------------------------------

    async def conversations_by_id(
        self, ids: Collection[ConversationId], *, session: AsyncSession
    ) -> dict[ConversationId, ConversationView]:
        if not ids:
            return {}
        rows = await session.scalars(select(Conversation).where(Conversation.id.in_(ids)))
        return {ConversationId(row.id): ConversationView.from_row(row) for row in rows}

    async def messages_by_id(
        self, ids: Collection[MessageId], *, session: AsyncSession
    ) -> dict[MessageId, MessageView]:
        if not ids:
            return {}
        rows = await session.scalars(select(Message).where(Message.id.in_(ids)))
        return {MessageId(row.id): MessageView.from_row(row) for row in rows}

    async def memberships(
        self, user: UserId, ids: Collection[ConversationId], *, session: AsyncSession
    ) -> dict[ConversationId, Membership]:
        """The user's standing in each of the conversations they are a member of."""
        if not ids:
            return {}
        rows = await session.execute(
            select(Conversation, Member.last_read_seq)
            .join(Member, Member.conversation_id == Conversation.id)
            .where(Member.user_id == user, Conversation.id.in_(ids))
        )
        return {
            ConversationId(row.id): Membership(ConversationView.from_row(row), read)
            for row, read in rows
        }

    async def total_unread(self, user: UserId, *, session: AsyncSession) -> int:
        """Unread messages in the user's direct and group conversations (rooms not counted)."""
        total = await session.scalar(
            select(func.coalesce(func.sum(Conversation.last_seq - Member.last_read_seq), 0))
            .join(Member, Member.conversation_id == Conversation.id)
            .where(Member.user_id == user, Conversation.kind != Kind.ROOM.value)
        )
        return int(total or 0)

    async def conversations_page(
        self, user: UserId, *, first: int, after: Position | None, session: AsyncSession
    ) -> Page[ConversationView]:
        """The user's conversations, newest activity first."""
        query = (
            select(Conversation)
            .join(Member, Member.conversation_id == Conversation.id)
            .where(Member.user_id == user, _before(after))
        )
        return await self._conversation_page(query, first, session=session)

    async def rooms_page(
        self, *, first: int, after: Position | None, session: AsyncSession
    ) -> Page[ConversationView]:
        """Public rooms, newest activity first."""
        query = select(Conversation).where(Conversation.kind == Kind.ROOM.value, _before(after))
        return await self._conversation_page(query, first, session=session)

    async def count_conversations(self, user: UserId, *, session: AsyncSession) -> int:
        count = await session.scalar(
            select(func.count()).select_from(Member).where(Member.user_id == user)
        )
        return int(count or 0)

    async def count_rooms(self, *, session: AsyncSession) -> int:
        count = await session.scalar(
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.kind == Kind.ROOM.value)
        )
        return int(count or 0)

    async def _conversation_page(
        self, query: Any, first: int, *, session: AsyncSession
    ) -> Page[ConversationView]:
        rows = list(
            await session.scalars(
                query.order_by(Conversation.last_activity_at.desc(), Conversation.id.desc()).limit(
                    first + 1
                )
            )
        )
        views = [ConversationView.from_row(row) for row in rows]
        return Page(items=views[:first], has_next_page=len(views) > first)

    async def messages_page(
        self,
        conversation_id: ConversationId,
        *,
        after: int | None,
        before: int | None,
        first: int | None,
        last: int | None,
        session: AsyncSession,
    ) -> Page[MessageView]:
        """Messages in sequence order: the ``first`` after ``after``, or the ``last`` before
        ``before`` (the latest ``last`` when neither bound is given)."""
        bounds = [Message.conversation_id == conversation_id]
        if after is not None:
            bounds.append(Message.seq > after)
        if before is not None:
            bounds.append(Message.seq < before)
        query = select(Message).where(*bounds)
        if first is not None:
            rows = list(await session.scalars(query.order_by(Message.seq).limit(first + 1)))
            items = [MessageView.from_row(row) for row in rows]
            return Page(
                items=items[:first], has_next_page=len(items) > first, has_previous_page=False
            )
        size = last if last is not None else 20
        rows = list(await session.scalars(query.order_by(Message.seq.desc()).limit(size + 1)))
        items = [MessageView.from_row(row) for row in reversed(rows)]
        return Page(
            items=items[-size:] if size else [],
            has_next_page=False,
            has_previous_page=len(items) > size,
        )

    async def messages_after(
        self, conversation_id: ConversationId, seq: int, *, limit: int, session: AsyncSession
    ) -> list[MessageView]:
        rows = await session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.seq > seq)
            .order_by(Message.seq)
            .limit(limit)
        )
        return [MessageView.from_row(row) for row in rows]

    async def membership(
        self, user: UserId, conversation_id: ConversationId, *, session: AsyncSession
    ) -> Membership | None:
        found = await self.memberships(user, [conversation_id], session=session)
        return found.get(conversation_id)

    async def member_ids(
        self,
        conversation_id: ConversationId,
        *,
        first: int,
        after: UserId | None,
        session: AsyncSession,
    ) -> Page[UserId]:
        """Members by id, ascending."""
        query = select(Member.user_id).where(Member.conversation_id == conversation_id)
        if after is not None:
            query = query.where(Member.user_id > after)
        rows = [
            UserId(u)
            for u in await session.scalars(query.order_by(Member.user_id).limit(first + 1))
        ]
        return Page(items=rows[:first], has_next_page=len(rows) > first)

    # -- locking -----------------------------------------------------------------

    async def _locked(
        self, conversation_id: ConversationId, *, session: AsyncSession
    ) -> Conversation:
        conversation = await session.scalar(
            select(Conversation).where(Conversation.id == conversation_id).with_for_update()
        )
        if conversation is None:
            raise NotFound(f"There is no conversation with id {conversation_id}.")
        return conversation

    async def _locked_for_send(
        self,
        conversation_id: ConversationId,
        sender: UserId,
        client_message_id: str,
        *,
        session: AsyncSession,
    ) -> tuple[Conversation, Member, MessageView | None]:
        """The conversation and the sender's membership, both locked, and the message an
        earlier attempt with ``client_message_id`` sent, if any: one statement where three
        were (a send is a few round trips, each one waited for under the room's lock)."""
        earlier_id = (
            select(Message.id)
            .where(
                Message.conversation_id == Conversation.id,
                Message.sender_id == sender,
                Message.client_message_id == client_message_id,
            )
            .scalar_subquery()
        )
        row = (
            await session.execute(
                select(Conversation, Member, earlier_id)
                .outerjoin(
                    Member,
                    and_(Member.conversation_id == Conversation.id, Member.user_id == sender),
                )
                .where(Conversation.id == conversation_id)
                .with_for_update()
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"There is no conversation with id {conversation_id}.")
        conversation, member, earlier = row
        if member is None:
            raise Forbidden("Only members of this conversation may do that: join it first.")
        if earlier is None:
            return conversation, member, None
        sent = await session.get(Message, earlier)
        assert sent is not None  # read under the conversation's lock a moment ago
        return conversation, member, MessageView.from_row(sent)

    async def _member_row(
        self, conversation_id: int, user: UserId, *, session: AsyncSession
    ) -> Member | None:
        member: Member | None = await session.scalar(
            select(Member)
            .where(Member.conversation_id == conversation_id, Member.user_id == user)
            .with_for_update()
        )
        return member

    async def _require_member(
        self, conversation: Conversation, user: UserId, *, session: AsyncSession
    ) -> Member:
        member = await self._member_row(conversation.id, user, session=session)
        if member is None:
            raise Forbidden("Only members of this conversation may do that: join it first.")
        return member


def _before(position: Position | None) -> Any:
    """Conversations after ``position`` in newest-activity-first order."""
    if position is None:
        return literal(True)
    return or_(
        Conversation.last_activity_at < position.created_at,
        and_(
            Conversation.last_activity_at == position.created_at,
            Conversation.id < position.id,
        ),
    )
