"""Events chat announces, recorded in the outbox in the transaction of the change.

    MessageSent       {"conversationId", "kind": "DIRECT" | "GROUP" | "ROOM", "messageId",
                       "seq", "senderId", "recipientIds": [int] (the other members of a
                       direct or group conversation; [] for a public room), "at"}
    ConversationRead  {"conversationId", "userId", "seq", "unread": int}

``unread`` is how many messages of that conversation the member still has
unread after reading up to ``seq``. Both have the conversation as aggregate:
every change to a conversation locks its row, so one conversation's events
are numbered in commit order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import record_event

MESSAGE_SENT = "MessageSent"
CONVERSATION_READ = "ConversationRead"


async def conversation_event(
    session: AsyncSession, event_type: str, conversation_id: int, payload: Mapping[str, Any]
) -> None:
    await record_event(
        session,
        aggregate_type="conversation",
        aggregate_id=str(conversation_id),
        event_type=event_type,
        payload={"conversationId": conversation_id, **payload},
    )
