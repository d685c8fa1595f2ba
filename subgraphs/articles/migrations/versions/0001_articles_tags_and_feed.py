"""Articles, tags, pulled authors, applied view batches and the event tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from shared.events.migration import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
LongText = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql")


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("content", LongText, nullable=False),
        sa.Column("summary", sa.String(300), nullable=False),
        sa.Column("cover", sa.String(500), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("view_count", sa.BigInteger(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_articles_author", "articles", ["author_id", "status", "published_at", "id"])
    op.create_index("ix_articles_status", "articles", ["status", "published_at", "id"])
    op.create_table(
        "tags",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(30), nullable=False, unique=True),
        mysql_charset="utf8mb4",
    )
    op.create_table(
        "article_tags",
        sa.Column(
            "article_id",
            sa.BigInteger(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id",
            sa.BigInteger(),
            sa.ForeignKey("tags.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_article_tags_tag", "article_tags", ["tag_id", "article_id"])
    op.create_table(
        "pulled_authors",
        sa.Column("author_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("counted_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_table(
        "view_flushes",
        sa.Column("batch_id", sa.String(64), primary_key=True),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("flushed_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    create_event_tables()


def downgrade() -> None:
    drop_event_tables()
    op.drop_table("view_flushes")
    op.drop_table("pulled_authors")
    op.drop_table("article_tags")
    op.drop_table("tags")
    op.drop_table("articles")
