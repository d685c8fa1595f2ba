"""Tables of the articles database."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Enum, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import BigId, UtcDateTime
from shared.events import add_event_tables

# Up to 64 KiB on SQLite's TEXT, 16 MiB on MariaDB: the service caps content well below.
LongText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql")


class ArticlesBase(DeclarativeBase):
    """The articles database's own metadata."""


class ArticleStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    DELETED = "DELETED"


class Article(ArticlesBase):
    """One article. Deleting marks it DELETED (events and timelines still name its id)."""

    __tablename__ = "articles"
    __table_args__ = (
        # An author's published articles newest first (User.articles, feed pulls and rebuilds).
        Index("ix_articles_author", "author_id", "status", "published_at", "id"),
        # All published articles newest first (Query.articles).
        Index("ix_articles_status", "status", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(100))
    content: Mapped[str] = mapped_column(LongText)
    summary: Mapped[str] = mapped_column(String(300))
    cover: Mapped[str | None] = mapped_column(String(500), nullable=True)
    # Its content is for members only (commerce says who is one); the rest is public.
    member_only: Mapped[bool] = mapped_column(Boolean, server_default=false())
    status: Mapped[ArticleStatus] = mapped_column(
        Enum(ArticleStatus, native_enum=False, length=16, validate_strings=True)
    )
    # Whole seconds: MariaDB's DATETIME keeps no fraction, and timelines score by it.
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Flushed in batches from the Redis buffer (see subgraphs.articles.views).
    view_count: Mapped[int] = mapped_column(BigInteger, default=0)


class Tag(ArticlesBase):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(30), unique=True)


class ArticleTag(ArticlesBase):
    __tablename__ = "article_tags"
    __table_args__ = (Index("ix_article_tags_tag", "tag_id", "article_id"),)

    article_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True
    )


class PulledAuthor(ArticlesBase):
    """An author with more followers than the push threshold: readers pull their articles.

    Written by the fan-out, which counts the followers while streaming them.
    """

    __tablename__ = "pulled_authors"

    author_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    counted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ViewFlush(ArticlesBase):
    """One applied batch of buffered views: a batch is applied once even if retried."""

    __tablename__ = "view_flushes"

    batch_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    views: Mapped[int] = mapped_column(Integer)
    flushed_at: Mapped[datetime] = mapped_column(UtcDateTime)


# The outbox ArticlePublished/Updated/Deleted are written to, and the consumer dedupe table.
EVENT_TABLES = add_event_tables(ArticlesBase.metadata)
