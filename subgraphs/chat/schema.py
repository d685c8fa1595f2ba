"""The chat subgraph: ``Conversation`` and ``ChatMessage``, sending and reading, and the
``messageReceived`` and ``conversationActivity`` subscriptions.

``User`` belongs to accounts: members and senders are references by key.
A direct or group conversation is visible to its members only (to anyone
else it is ``null``); a public room is visible to anyone, its messages to
its members. Messages are paged by sequence number (``seq``), which counts
1, 2, 3, … per conversation with no gap.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from shared.errors import BadUserInput, Forbidden
from shared.graphql.app import schema_extensions
from shared.graphql.arguments import After, First, IdArgument
from shared.graphql.connections import PageInfo
from shared.graphql.event_sharing import EventSharing, sharing_executor
from shared.graphql.ids import parse_typed, require_id
from shared.graphql.scalars import schema_config
from shared.graphql.users import UserKey
from shared.ids import UserId, parse_id
from shared.pagination import (
    DEFAULT_FIRST,
    Position,
    check_first,
    decode_cursor,
    decode_fields,
    encode_cursor,
    encode_fields,
    invalid_cursor,
)
from subgraphs.chat import rules
from subgraphs.chat.context import ChatContext
from subgraphs.chat.service import Page
from subgraphs.chat.streams import activity_stream, message_stream
from subgraphs.chat.views import (
    ConversationId,
    ConversationView,
    Kind,
    MessageId,
    MessageView,
)

ChatInfo = Info[ChatContext, None]

SeqCursor = Annotated[
    str | None,
    strawberry.argument(description="A message's cursor: its `seq`, written as a string."),
]
ConversationArgument = Annotated[
    strawberry.ID, strawberry.argument(description="The conversation.")
]


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User(UserKey):
    pass


ConversationKind = strawberry.enum(
    Kind,
    name="ConversationKind",
    description=(
        "DIRECT: two members, one conversation per pair. GROUP: a room one joins by invitation. "
        "ROOM: a public room anyone signed in can join."
    ),
)


def _visible(view: ConversationView, member: bool) -> bool:
    return member or view.kind is Kind.ROOM


@strawberry.federation.type(keys=["id"], description="A direct conversation or a room.")
class Conversation:
    id: strawberry.ID
    kind: ConversationKind  # type: ignore[valid-type]
    title: str | None = strawberry.field(description="Null for a direct conversation.")
    member_count: int
    last_seq: int = strawberry.field(
        description="The sequence number of its latest message; 0 when it has none."
    )
    created_at: datetime
    last_activity_at: datetime = strawberry.field(description="When its latest message came.")
    view: strawberry.Private[ConversationView]

    @classmethod
    def of(cls, view: ConversationView) -> Conversation:
        return cls(
            id=strawberry.ID(str(view.id)),
            kind=view.kind,
            title=view.title,
            member_count=view.member_count,
            last_seq=view.last_seq,
            created_at=view.created_at,
            last_activity_at=view.last_activity_at,
            view=view,
        )

    @classmethod
    async def resolve_reference(cls, info: ChatInfo, id: strawberry.ID) -> Conversation | None:
        key = parse_typed(id, ConversationId)
        return await _conversation(info, key) if key is not None else None

    @strawberry.field(description="Who owns a room (null for a direct conversation).")
    def owner(self) -> User | None:
        return User.of(self.view.owner_id) if self.view.owner_id is not None else None

    @strawberry.field(description="Its members, by id.")
    async def members(
        self, info: ChatInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> MemberConnection:
        size = check_first(first)
        position = _member_position(after) if after is not None else None
        async with info.context.database.transaction() as session:
            page = await info.context.service.member_ids(
                self.view.id, first=size, after=position, session=session
            )
        return MemberConnection.of(page, self.view.member_count, after)

    @strawberry.field(description="Its latest message, if it has any (members only).")
    async def last_message(self, info: ChatInfo) -> ChatMessage | None:
        if self.view.last_message_id is None or not await self._viewer_is_member(info):
            return None
        view = await info.context.loaders.messages.load(self.view.last_message_id)
        return ChatMessage.of(view) if view else None

    @strawberry.field(description="Whether you are one of its members.")
    async def viewer_is_member(self, info: ChatInfo) -> bool:
        return await self._viewer_is_member(info)

    @strawberry.field(
        description="How many of its messages you have not read; 0 when you are not a member."
    )
    async def viewer_unread_count(self, info: ChatInfo) -> int:
        viewer = info.context.viewer
        if viewer is None:
            return 0
        membership = await info.context.loaders.memberships.load((viewer, self.view.id))
        return membership.unread if membership else 0

    @strawberry.field(
        description="The sequence number you have read up to; null when you are not a member."
    )
    async def viewer_last_read_seq(self, info: ChatInfo) -> int | None:
        viewer = info.context.viewer
        if viewer is None:
            return None
        membership = await info.context.loaders.memberships.load((viewer, self.view.id))
        return membership.last_read_seq if membership else None

    @strawberry.field(
        description="Its messages in sequence order (members only): the `first` after "
        "`after`, or the `last` before `before`; the latest 20 when no bound is given."
    )
    async def messages(
        self,
        info: ChatInfo,
        after: SeqCursor = None,
        before: SeqCursor = None,
        first: Annotated[int | None, strawberry.argument(description="At most 100.")] = None,
        last: Annotated[int | None, strawberry.argument(description="At most 100.")] = None,
    ) -> ChatMessageConnection:
        info.context.require_viewer()
        if not await self._viewer_is_member(info):
            raise Forbidden("Only members of this conversation may read it: join it first.")
        if first is not None and last is not None:
            raise BadUserInput("Pass `first` or `last`, not both.", field="last")
        sizes = {
            "first": check_first(first, field="first") if first is not None else None,
            "last": check_first(last, field="last") if last is not None else None,
        }
        async with info.context.database.transaction() as session:
            page = await info.context.service.messages_page(
                self.view.id,
                after=_seq_of(after, "after"),
                before=_seq_of(before, "before"),
                first=sizes["first"],
                last=sizes["last"],
                session=session,
            )
        return ChatMessageConnection.of(page, self.view.last_seq)

    async def _viewer_is_member(self, info: ChatInfo) -> bool:
        viewer = info.context.viewer
        if viewer is None:
            return False
        return await info.context.loaders.memberships.load((viewer, self.view.id)) is not None


def _seq_of(cursor: str | None, field: str) -> int | None:
    """The sequence number a message cursor names (``"0"`` is before the first message)."""
    if cursor is None:
        return None
    if cursor != "0" and parse_id(cursor) is None:
        raise invalid_cursor(field)
    return int(cursor)


async def _conversation(info: ChatInfo, key: ConversationId) -> Conversation | None:
    view = await info.context.loaders.conversations.load(key)
    if view is None:
        return None
    viewer = info.context.viewer
    member = viewer is not None and (
        await info.context.loaders.memberships.load((viewer, key)) is not None
    )
    return Conversation.of(view) if _visible(view, member) else None


@strawberry.federation.type(keys=["id"], description="A message in a conversation.")
class ChatMessage:
    id: strawberry.ID
    seq: int = strawberry.field(
        description="Its place in the conversation: 1, 2, 3, … with no gap, in commit order."
    )
    body: str
    client_message_id: str = strawberry.field(
        description="The id its sender gave it; a retried send with it returns this message."
    )
    created_at: datetime
    view: strawberry.Private[MessageView]

    @classmethod
    def of(cls, view: MessageView) -> ChatMessage:
        return cls(
            id=strawberry.ID(str(view.id)),
            seq=view.seq,
            body=view.body,
            client_message_id=view.client_message_id,
            created_at=view.created_at,
            view=view,
        )

    @property
    def sharing_key(self) -> tuple[str, MessageId]:
        """The same for every subscriber a message reaches (a message never changes), so its
        subscription selection runs once per shape (:mod:`shared.graphql.event_sharing`)."""
        return ("ChatMessage", self.view.id)

    @classmethod
    async def resolve_reference(cls, info: ChatInfo, id: strawberry.ID) -> ChatMessage | None:
        key = parse_typed(id, MessageId)
        view = await info.context.loaders.messages.load(key) if key is not None else None
        if view is None:
            return None
        viewer = info.context.viewer
        member = viewer is not None and (
            await info.context.loaders.memberships.load((viewer, view.conversation_id)) is not None
        )
        return cls.of(view) if member else None

    @strawberry.field(description="Who sent it.")
    def sender(self) -> User:
        return User.of(self.view.sender_id)

    @strawberry.field(description="The conversation it belongs to.")
    async def conversation(self, info: ChatInfo) -> Conversation | None:
        view = await info.context.loaders.conversations.load(self.view.conversation_id)
        return Conversation.of(view) if view else None


@strawberry.type(description="One message in a list.")
class ChatMessageEdge:
    cursor: str
    node: ChatMessage


@strawberry.type(description="Messages in sequence order, oldest first.")
class ChatMessageConnection:
    edges: list[ChatMessageEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many messages the conversation holds.")

    @classmethod
    def of(cls, page: Page[MessageView], total: int) -> ChatMessageConnection:
        edges = [
            ChatMessageEdge(cursor=str(view.seq), node=ChatMessage.of(view)) for view in page.items
        ]
        cursors = [edge.cursor for edge in edges]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=cursors[0] if cursors else None,
                end_cursor=cursors[-1] if cursors else None,
            ),
            total_count=total,
        )


@strawberry.type(description="One member in a list.")
class MemberEdge:
    cursor: str
    node: User


@strawberry.type(description="Members of a conversation, by id.")
class MemberConnection:
    edges: list[MemberEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[UserId], total: int, after: str | None) -> MemberConnection:
        edges = [
            MemberEdge(cursor=encode_fields("m", user), node=User.of(user)) for user in page.items
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of(
                [edge.cursor for edge in edges], has_next_page=page.has_next_page, after=after
            ),
            total_count=total,
        )


def _member_position(cursor: str) -> UserId:
    fields = decode_fields(cursor, field="after")
    user = parse_typed(fields[1], UserId) if len(fields) == 2 and fields[0] == "m" else None
    if user is None:
        raise invalid_cursor("after")
    return user


@strawberry.type(description="One conversation in a list.")
class ConversationEdge:
    cursor: str
    node: Conversation


@strawberry.type(description="Conversations, newest activity first.")
class ConversationConnection:
    edges: list[ConversationEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many the whole list holds.")

    @classmethod
    def of(
        cls, page: Page[ConversationView], total: int, after: str | None
    ) -> ConversationConnection:
        edges = [
            ConversationEdge(
                cursor=encode_cursor(Position(view.last_activity_at, view.id)),
                node=Conversation.of(view),
            )
            for view in page.items
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of(
                [edge.cursor for edge in edges], has_next_page=page.has_next_page, after=after
            ),
            total_count=total,
        )


@strawberry.enum(description="What happened in one of your conversations.")
class ActivityKind(enum.Enum):
    MESSAGE = "MESSAGE"
    READ = "READ"
    JOINED = "JOINED"
    LEFT = "LEFT"


_ACTIVITY_KINDS = {
    "activity": ActivityKind.MESSAGE,
    "read": ActivityKind.READ,
    "joined": ActivityKind.JOINED,
    "removed": ActivityKind.LEFT,
}


@strawberry.type(
    description="Something new in one of your direct or group conversations, with the unread "
    "counts it leaves."
)
class ConversationActivity:
    kind: ActivityKind
    conversation_id: strawberry.ID
    message: ChatMessage | None = strawberry.field(description="The new message, for MESSAGE.")

    @strawberry.field(description="The conversation, unless you have left it.")
    async def conversation(self, info: ChatInfo) -> Conversation | None:
        key = parse_typed(self.conversation_id, ConversationId)
        return await _conversation(info, key) if key is not None else None

    @strawberry.field(description="Your unread messages in this conversation now.")
    async def unread_count(self, info: ChatInfo) -> int:
        viewer = info.context.require_viewer()
        key = require_id(self.conversation_id, ConversationId, field="conversationId")
        membership = await info.context.loaders.memberships.load((viewer, key))
        return membership.unread if membership else 0

    @strawberry.field(description="Your unread messages in all direct and group conversations.")
    async def total_unread_count(self, info: ChatInfo) -> int:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            return await info.context.service.total_unread(viewer, session=session)


def _conversation_id(raw: strawberry.ID, field: str = "conversationId") -> ConversationId:
    return require_id(raw, ConversationId, field=field)


def _user_id(raw: strawberry.ID) -> UserId:
    return require_id(raw, UserId, field="userId")


@strawberry.type
class Query:
    @strawberry.field(
        description="A conversation by id; null if there is none or you may not see it."
    )
    async def conversation(self, info: ChatInfo, id: IdArgument) -> Conversation | None:
        return await Conversation.resolve_reference(info, id)

    @strawberry.field(description="Your conversations, newest activity first.")
    async def conversations(
        self, info: ChatInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> ConversationConnection:
        viewer = info.context.require_viewer()
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        async with info.context.database.transaction() as session:
            page = await info.context.service.conversations_page(
                viewer, first=size, after=position, session=session
            )
            total = await info.context.service.count_conversations(viewer, session=session)
        return ConversationConnection.of(page, total, after)

    @strawberry.field(description="Public rooms anyone signed in can join, newest activity first.")
    async def chat_rooms(
        self, info: ChatInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> ConversationConnection:
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        async with info.context.database.transaction() as session:
            page = await info.context.service.rooms_page(
                first=size, after=position, session=session
            )
            total = await info.context.service.count_rooms(session=session)
        return ConversationConnection.of(page, total, after)

    @strawberry.field(
        description="Your unread messages in all direct and group conversations (rooms are not "
        "counted); 0 when signed out."
    )
    async def chat_unread_count(self, info: ChatInfo) -> int:
        viewer = info.context.viewer
        if viewer is None:
            return 0
        async with info.context.database.transaction() as session:
            return await info.context.service.total_unread(viewer, session=session)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Your direct conversation with a member, started on first use."
    )
    async def start_conversation(
        self,
        info: ChatInfo,
        user_id: Annotated[strawberry.ID, strawberry.argument(description="The other member.")],
    ) -> Conversation:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.start_direct(
                viewer, _user_id(user_id), session=session
            )
        return Conversation.of(view)

    @strawberry.mutation(
        description="Create a room you own: a group room members join by invitation, or a "
        "public room (`public: true`) anyone signed in can join."
    )
    async def create_room(
        self,
        info: ChatInfo,
        title: Annotated[
            str, strawberry.argument(description=f"1 to {rules.TITLE_MAX} characters.")
        ],
        public: bool = False,
    ) -> Conversation:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.create_room(
                viewer, title, public=public, session=session
            )
        return Conversation.of(view)

    @strawberry.mutation(description="Invite a member into a group room you are in.")
    async def invite_to_room(
        self, info: ChatInfo, conversation_id: ConversationArgument, user_id: strawberry.ID
    ) -> Conversation:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.invite(
                viewer, _conversation_id(conversation_id), _user_id(user_id), session=session
            )
        return Conversation.of(view)

    @strawberry.mutation(description="Join a public room, or a group room you were invited to.")
    async def join_room(
        self, info: ChatInfo, conversation_id: ConversationArgument
    ) -> Conversation:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.join(
                viewer, _conversation_id(conversation_id), session=session
            )
        return Conversation.of(view)

    @strawberry.mutation(description="Leave a room; returns its id.")
    async def leave_room(
        self, info: ChatInfo, conversation_id: ConversationArgument
    ) -> strawberry.ID:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.leave(
                viewer, _conversation_id(conversation_id), session=session
            )
        return strawberry.ID(str(view.id))

    @strawberry.mutation(
        description="Remove a member from a room you own; they stop receiving it at once."
    )
    async def remove_from_room(
        self, info: ChatInfo, conversation_id: ConversationArgument, user_id: strawberry.ID
    ) -> Conversation:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.remove_member(
                viewer, _conversation_id(conversation_id), _user_id(user_id), session=session
            )
        return Conversation.of(view)

    @strawberry.mutation(
        description="Send a message to a conversation you are a member of. Retrying with the "
        "same `clientMessageId` returns the message the first attempt sent."
    )
    async def send_message(
        self,
        info: ChatInfo,
        conversation_id: ConversationArgument,
        client_message_id: Annotated[
            str, strawberry.argument(description="Your id for this message, e.g. a UUID.")
        ],
        body: Annotated[str, strawberry.argument(description=f"1 to {rules.BODY_MAX} characters.")],
    ) -> ChatMessage:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.send(
                viewer, _conversation_id(conversation_id), client_message_id, body, session=session
            )
        return ChatMessage.of(view)

    @strawberry.mutation(
        description="Mark a conversation read up to a sequence number (the read mark never "
        "moves back); returns the conversation with your new unread count."
    )
    async def mark_conversation_read(
        self,
        info: ChatInfo,
        conversation_id: ConversationArgument,
        seq: Annotated[int, strawberry.argument(description="The last sequence number read.")],
    ) -> Conversation:
        viewer = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            membership = await info.context.service.mark_read(
                viewer, _conversation_id(conversation_id), seq, session=session
            )
        return Conversation.of(membership.conversation)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="A conversation's messages after `since` (none: only new ones), then each "
        "new one as it is sent, in sequence order with no gap and no repeat. Resume after any "
        "disconnect with `since` = the last `seq` received."
    )
    async def message_received(
        self,
        info: ChatInfo,
        conversation_id: ConversationArgument,
        since: Annotated[
            int | None, strawberry.argument(description="The last `seq` you received.")
        ] = None,
    ) -> AsyncGenerator[ChatMessage, None]:
        context = info.context
        subscriber = context.subscriber()
        stream = message_stream(
            context.service,
            context.database,
            subscriber,
            _conversation_id(conversation_id),
            since,
        )
        async for view in stream:
            context.refresh_loaders()
            yield ChatMessage.of(view)

    @strawberry.subscription(
        description="New messages, reads and membership changes in your direct and group "
        "conversations, with the unread counts they leave."
    )
    async def conversation_activity(
        self, info: ChatInfo
    ) -> AsyncGenerator[ConversationActivity, None]:
        context = info.context
        async for event in activity_stream(context.service, context.subscriber()):
            kind = _ACTIVITY_KINDS.get(str(event.get("type")))
            if kind is None:
                continue
            context.refresh_loaders()
            yield _activity(kind, event)


def _activity(kind: ActivityKind, event: dict[str, Any]) -> ConversationActivity:
    message = event.get("message")
    return ConversationActivity(
        kind=kind,
        conversation_id=strawberry.ID(str(event["conversationId"])),
        message=ChatMessage.of(MessageView.from_event(message)) if message else None,
    )


def build_schema() -> strawberry.federation.Schema:
    """The schema; a message reaching many subscribers is executed once per query shape."""
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[User, Conversation, ChatMessage],
        extensions=schema_extensions(),
        config=schema_config(),
        federation_version="2.11",
        execution_context_class=sharing_executor(EventSharing()),
    )
