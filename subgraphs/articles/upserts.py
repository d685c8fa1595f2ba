"""Tags and pulled authors, inserted unless already there."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.upserts import insert_ignore
from subgraphs.articles.models import PulledAuthor, Tag


async def tag_ids(session: AsyncSession, names: Sequence[str]) -> dict[str, int]:
    """The id of each tag name, inserting the new ones (two statements, whatever the count)."""
    if not names:
        return {}
    await session.execute(insert_ignore(session, Tag, [{"name": name} for name in names]))
    found = await session.execute(select(Tag.name, Tag.id).where(Tag.name.in_(names)))
    return {name: id_ for name, id_ in found}


async def add_pulled_author(session: AsyncSession, author_id: int) -> None:
    row = {"author_id": author_id, "counted_at": utcnow()}
    await session.execute(insert_ignore(session, PulledAuthor, [row]))
