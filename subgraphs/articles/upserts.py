"""Inserts that skip rows already there, in each dialect's own insert-or-ignore."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from shared.db import utcnow
from subgraphs.articles.models import PulledAuthor, Tag


def _insert_ignore(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> Insert:
    if session.get_bind().dialect.name == "sqlite":
        return sqlite.insert(model).values(rows).on_conflict_do_nothing()
    return mysql.insert(model).values(rows).prefix_with("IGNORE")


async def tag_ids(session: AsyncSession, names: Sequence[str]) -> dict[str, int]:
    """The id of each tag name, inserting the new ones (two statements, whatever the count)."""
    if not names:
        return {}
    await session.execute(_insert_ignore(session, Tag, [{"name": name} for name in names]))
    found = await session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names)))
    return {name: id_ for name, id_ in found}


async def add_pulled_author(session: AsyncSession, author_id: int) -> None:
    row = {"author_id": author_id, "counted_at": utcnow()}
    await session.execute(_insert_ignore(session, PulledAuthor, [row]))
