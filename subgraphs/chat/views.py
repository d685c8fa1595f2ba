"""What the chat service hands out: frozen views of conversations and messages, and their ids.

A message view also travels as a live event (:meth:`MessageView.event`), so a
subscriber on any replica builds the message from the event alone, without
reading the database once per delivery.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NewType

from shared.ids import UserId
from subgraphs.chat.models import Conversation, Message

ConversationId = NewType("ConversationId", int)
MessageId = NewType("MessageId", int)


class Kind(enum.Enum):
    DIRECT = "DIRECT"
    GROUP = "GROUP"
    ROOM = "ROOM"


@dataclass(frozen=True, slots=True)
class ConversationView:
    id: ConversationId
    kind: Kind
    title: str | None
    owner_id: UserId | None
    member_count: int
    last_seq: int
    last_message_id: MessageId | None
    created_at: datetime
    last_activity_at: datetime

    @classmethod
    def from_row(cls, row: Conversation) -> ConversationView:
        return cls(
            id=ConversationId(row.id),
            kind=Kind(row.kind),
            title=row.title,
            owner_id=UserId(row.owner_id) if row.owner_id is not None else None,
            member_count=row.member_count,
            last_seq=row.last_seq,
            last_message_id=(
                MessageId(row.last_message_id) if row.last_message_id is not None else None
            ),
            created_at=row.created_at,
            last_activity_at=row.last_activity_at,
        )


@dataclass(frozen=True, slots=True)
class MessageView:
    id: MessageId
    conversation_id: ConversationId
    seq: int
    sender_id: UserId
    client_message_id: str
    body: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: Message) -> MessageView:
        return cls(
            id=MessageId(row.id),
            conversation_id=ConversationId(row.conversation_id),
            seq=row.seq,
            sender_id=UserId(row.sender_id),
            client_message_id=row.client_message_id,
            body=row.body,
            created_at=row.created_at,
        )

    def event(self) -> dict[str, Any]:
        return {
            "type": "message",
            "id": self.id,
            "conversationId": self.conversation_id,
            "seq": self.seq,
            "senderId": self.sender_id,
            "clientMessageId": self.client_message_id,
            "body": self.body,
            "createdAt": self.created_at.isoformat(),
        }

    @classmethod
    def from_event(cls, event: dict[str, Any]) -> MessageView:
        return cls(
            id=MessageId(int(event["id"])),
            conversation_id=ConversationId(int(event["conversationId"])),
            seq=int(event["seq"]),
            sender_id=UserId(int(event["senderId"])),
            client_message_id=str(event["clientMessageId"]),
            body=str(event["body"]),
            created_at=datetime.fromisoformat(event["createdAt"]),
        )


_VIEW = "_view"


def message_view(event: dict[str, Any]) -> MessageView:
    """The message a live event carries, built once however many listeners got the event
    (they share the one decoded dict; the view is kept in it, never published)."""
    view = event.get(_VIEW)
    if not isinstance(view, MessageView):
        view = event[_VIEW] = MessageView.from_event(event)
    return view


@dataclass(frozen=True, slots=True)
class Membership:
    """A member's standing in a conversation: how far they have read."""

    conversation: ConversationView
    last_read_seq: int

    @property
    def unread(self) -> int:
        return max(0, self.conversation.last_seq - self.last_read_seq)
