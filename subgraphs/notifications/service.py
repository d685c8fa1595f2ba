"""The business rules of notifications. Functions take the caller's session and never commit."""

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
from subgraphs.notifications.models import Item

NotificationsItemId = NewType("NotificationsItemId", int)
TITLE_MAX = 100


@dataclass(frozen=True, slots=True)
class NotificationsItemView:
    id: NotificationsItemId
    author_id: UserId
    title: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: Item) -> NotificationsItemView:
        return cls(NotificationsItemId(row.id), UserId(row.author_id), row.title, row.created_at)


class NotificationsService:
    async def create(self, author: UserId, title: str, *, session: AsyncSession) -> NotificationsItemView:
        """Create an item written by ``author``; the title is 1 to 100 characters."""
        title = title.strip()
        if not 1 <= len(title) <= TITLE_MAX:
            raise BadUserInput(f"A title is 1 to {TITLE_MAX} characters.", field="title")
        item = Item(author_id=author, title=title, created_at=utcnow())
        session.add(item)
        await session.flush()
        return NotificationsItemView.from_row(item)

    async def items_by_id(
        self, ids: Collection[NotificationsItemId], *, session: AsyncSession
    ) -> dict[NotificationsItemId, NotificationsItemView]:
        rows = await session.scalars(select(Item).where(Item.id.in_(ids)))
        return {NotificationsItemId(row.id): NotificationsItemView.from_row(row) for row in rows}
