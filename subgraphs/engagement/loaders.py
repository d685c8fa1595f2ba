"""Per-request loaders: a field asked of many subjects, comments or pages is one statement.

Each loader opens one transaction per batch (the loader is the caller that
owns it) and asks for every key of the batch at once; pending like counts
are one ``HMGET`` per batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.graphql.loaders import BatchLoader
from shared.ids import UserId
from subgraphs.engagement.counts import CountKey, PendingLikes
from subgraphs.engagement.service import (
    CommentPageKey,
    CommentView,
    EngagementService,
    Page,
    ReplyPageKey,
)
from subgraphs.engagement.subjects import SubjectKey, SubjectView, subjects_by_key


class PendingLoader(DataLoader[CountKey, int]):
    """Likes committed and not yet in the stored counts, for many subjects in one Redis call."""

    def __init__(self, pending: PendingLikes) -> None:
        super().__init__()
        self._pending = pending

    async def batch_load_fn(self, keys: list[CountKey]) -> list[int]:
        found = await self._pending.pending(keys)
        return [found.get(key, 0) for key in keys]


@dataclass(frozen=True, slots=True)
class EngagementLoaders:
    subjects: BatchLoader[SubjectKey, SubjectView | None]
    comments: BatchLoader[int, CommentView | None]
    comment_pages: BatchLoader[CommentPageKey, Page]
    reply_pages: BatchLoader[ReplyPageKey, Page]
    liked: BatchLoader[tuple[UserId, CountKey], bool]
    """Whether the member likes the subject (the member is always the request's viewer)."""
    pending: PendingLoader

    @classmethod
    def of(cls, service: EngagementService, database: Database) -> EngagementLoaders:
        async def subjects(
            keys: list[SubjectKey], session: AsyncSession
        ) -> Mapping[SubjectKey, SubjectView | None]:
            return await subjects_by_key(keys, session=session)

        async def comments(
            keys: list[int], session: AsyncSession
        ) -> Mapping[int, CommentView | None]:
            return await service.comments_by_id(keys, session=session)

        async def comment_pages(
            keys: list[CommentPageKey], session: AsyncSession
        ) -> Mapping[CommentPageKey, Page]:
            return await service.comment_pages(keys, session=session)

        async def reply_pages(
            keys: list[ReplyPageKey], session: AsyncSession
        ) -> Mapping[ReplyPageKey, Page]:
            return await service.reply_pages(keys, session=session)

        async def liked(
            keys: list[tuple[UserId, CountKey]], session: AsyncSession
        ) -> Mapping[tuple[UserId, CountKey], bool]:
            found: dict[tuple[UserId, CountKey], bool] = {}
            for user in {user for user, _ in keys}:
                mine = [key for who, key in keys if who == user]
                likes = await service.liked(user, mine, session=session)
                found.update({(user, key): key in likes for key in mine})
            return found

        loader = partial(BatchLoader, database)
        return cls(
            subjects=loader(subjects, lambda _key: None),
            comments=loader(comments, lambda _key: None),
            comment_pages=loader(comment_pages, lambda _key: Page()),
            reply_pages=loader(reply_pages, lambda _key: Page()),
            liked=loader(liked, lambda _key: False),
            pending=PendingLoader(service.pending),
        )
