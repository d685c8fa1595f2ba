"""Tables of the chat database: conversations, their members, invitations and messages.

A conversation's row is the lock every change to it takes: sending a
message reads ``last_seq`` under ``FOR UPDATE``, writes the message with
``last_seq + 1`` and moves ``last_seq``, so sequence numbers are allocated
in commit order, one after another with no gap (a rolled-back send gives
its number back). Joining and leaving take the same lock, so
``member_count`` and the member limit hold under concurrency.

A member's unread count is ``conversations.last_seq - last_read_seq``:
sending moves the sender's ``last_read_seq`` to the new message, so one's
own messages are never unread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from shared.db import BigId, UtcDateTime
from shared.events import add_event_tables


class MicrosecondUtcDateTime(UtcDateTime):
    """UTC to the microsecond on MariaDB too (``DATETIME(6)``), so activity orders finely."""

    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(self.impl_instance)


class ChatBase(DeclarativeBase):
    """The chat database's own metadata."""


class Conversation(ChatBase):
    __tablename__ = "conversations"
    __table_args__ = (
        # Public rooms by newest activity (Query.chatRooms).
        Index("ix_conversations_kind_activity", "kind", "last_activity_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str | None] = mapped_column(String(80), nullable=True)
    owner_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # "<low id>:<high id>" for a direct conversation, so a pair has exactly one.
    direct_key: Mapped[str | None] = mapped_column(String(41), nullable=True, unique=True)
    member_count: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_activity_at: Mapped[datetime] = mapped_column(MicrosecondUtcDateTime)


class Member(ChatBase):
    __tablename__ = "conversation_members"
    __table_args__ = (Index("ix_members_user", "user_id", "conversation_id"),)

    conversation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    last_read_seq: Mapped[int] = mapped_column(BigInteger)
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Invitation(ChatBase):
    """Leave for a member to join a group room; used up by joining."""

    __tablename__ = "conversation_invitations"

    conversation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    invited_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Message(ChatBase):
    __tablename__ = "messages"
    __table_args__ = (
        Index("uq_messages_seq", "conversation_id", "seq", unique=True),
        # A retried send finds the message its first attempt wrote.
        Index(
            "uq_messages_client_id",
            "conversation_id",
            "sender_id",
            "client_message_id",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("conversations.id", ondelete="CASCADE")
    )
    seq: Mapped[int] = mapped_column(BigInteger)
    sender_id: Mapped[int] = mapped_column(BigInteger)
    client_message_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


# The outbox MessageSent and ConversationRead are written to, and the consumer dedupe table.
EVENT_TABLES = add_event_tables(ChatBase.metadata)
