"""The business rules of engagement. Functions take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.errors import BadUserInput
from shared.ids import UserId
from subgraphs.engagement.models import Item

EngagementItemId = NewType("EngagementItemId", int)
TITLE_MAX = 100


@dataclass(frozen=True, slots=True)
class EngagementItemView:
    id: EngagementItemId
    author_id: UserId
    title: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: Item) -> EngagementItemView:
        return cls(EngagementItemId(row.id), UserId(row.author_id), row.title, row.created_at)


class EngagementService:
    async def create(self, author: UserId, title: str, *, session: AsyncSession) -> EngagementItemView:
        """Create an item written by ``author``; the title is 1 to 100 characters."""
        title = title.strip()
        if not 1 <= len(title) <= TITLE_MAX:
            raise BadUserInput(f"A title is 1 to {TITLE_MAX} characters.", field="title")
        item = Item(author_id=author, title=title, created_at=utcnow())
        session.add(item)
        await session.flush()
        return EngagementItemView.from_row(item)

    async def items_by_id(
        self, ids: Collection[EngagementItemId], *, session: AsyncSession
    ) -> dict[EngagementItemId, EngagementItemView]:
        rows = await session.scalars(select(Item).where(Item.id.in_(ids)))
        return {EngagementItemId(row.id): EngagementItemView.from_row(row) for row in rows}
