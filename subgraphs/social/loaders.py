"""Per-request loaders: a field asked of many users becomes one SQL statement."""

from __future__ import annotations

from aiodataloader import DataLoader

from shared.db import Database
from subgraphs.social.service import Counts, Pair, SocialService


class CountsLoader(DataLoader[int, Counts]):
    """``followerCount``/``followingCount`` of many users (and connections' ``totalCount``)."""

    def __init__(self, service: SocialService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[int]) -> list[Counts]:
        async with self._database.transaction() as session:
            found = await self._service.counts(keys, session=session)
        return [found[key] for key in keys]


class EdgeLoader(DataLoader[Pair, bool]):
    """Whether (follower, followee) edges exist: ``viewerFollows`` and ``followsViewer``."""

    def __init__(self, service: SocialService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[Pair]) -> list[bool]:
        async with self._database.transaction() as session:
            found = await self._service.existing_edges(keys, session=session)
        return [key in found for key in keys]
