"""Tables of the notifications database: notifications, who acted on each, chat unread counts.

A notification is one row per (recipient, group key): the group key names what
the actors acted on (``like:ARTICLE:7``, ``follow:42``, ``comment:9``), so many
likes of one article are one row with many ``notification_actors``. Rows are
never deleted by retraction: a group whose last actor withdrew keeps its row
with ``actor_count = 0`` and is hidden, so the row stays the lock that
serializes every change to the group, and an actor's latest action
(``acted_at``) decides against an older event delivered late.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from shared.db import BigId, UtcDateTime
from shared.events import add_event_tables


class UtcMicroseconds(UtcDateTime):
    """:class:`~shared.db.UtcDateTime` kept to the microsecond on MariaDB (``DATETIME(6)``)."""

    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[datetime]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())


class NotificationsBase(DeclarativeBase):
    """The notifications database's own metadata."""


class Notification(NotificationsBase):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("uq_notifications_group", "recipient_id", "group_key", unique=True),
        # The recipient's list, latest activity first, all or one category.
        Index("ix_notifications_recent", "recipient_id", "updated_at", "id"),
        Index("ix_notifications_category", "recipient_id", "category", "updated_at", "id"),
        # Unread counts per category, read from the index alone.
        Index("ix_notifications_unread", "recipient_id", "is_read", "category", "actor_count"),
        # Retracting everyone's notifications about a deleted comment, answer or article.
        Index("ix_notifications_key", "group_key"),
        Index("ix_notifications_subject", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    recipient_id: Mapped[int] = mapped_column(BigInteger)
    group_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16))
    subject_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    subject_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    # The comment of a COMMENT or REPLY notification (its subject is what was commented on).
    comment_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    latest_actor_id: Mapped[int] = mapped_column(BigInteger)
    actor_count: Mapped[int] = mapped_column(Integer)
    is_read: Mapped[bool] = mapped_column(Boolean)
    # Whole seconds, as MariaDB's DATETIME keeps them, so cursors match the stored value.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class NotificationActor(NotificationsBase):
    """An actor's standing in a group: ``active`` while their action holds (a like not
    withdrawn); ``acted_at`` is when their latest action happened."""

    __tablename__ = "notification_actors"
    __table_args__ = (
        Index("ix_notification_actors_latest", "notification_id", "active", "acted_at"),
    )

    notification_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    actor_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    active: Mapped[bool] = mapped_column(Boolean)
    # Microseconds: a like and its withdrawal can fall in one second.
    acted_at: Mapped[datetime] = mapped_column(UtcMicroseconds)


class ChatUnread(NotificationsBase):
    """A member's unread messages in one conversation, as chat's events tell them."""

    __tablename__ = "chat_unread"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    conversation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    unread: Mapped[int] = mapped_column(Integer)
    # The sequence number read up to: a message at or below it is not unread.
    read_seq: Mapped[int] = mapped_column(BigInteger)


# The consumer dedupe table (and an outbox, unused until this domain announces events).
EVENT_TABLES = add_event_tables(NotificationsBase.metadata)
