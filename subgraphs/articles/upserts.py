"""Tag rows by name, created when missing, in each dialect's own insert-or-ignore."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert

from subgraphs.articles.models import Tag


async def tag_ids(session: AsyncSession, names: Sequence[str]) -> dict[str, int]:
    """The id of each tag name, inserting the new ones (two statements, whatever the count)."""
    if not names:
        return {}
    rows = [{"name": name} for name in names]
    statement: Insert
    if session.get_bind().dialect.name == "sqlite":
        statement = sqlite.insert(Tag).values(rows).on_conflict_do_nothing()
    else:
        statement = mysql.insert(Tag).values(rows).prefix_with("IGNORE")
    await session.execute(statement)
    found = await session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names)))
    return {name: id_ for name, id_ in found}
