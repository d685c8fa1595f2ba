"""Per-request loaders: a field asked of many users becomes one SQL statement."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from shared.db import Database
from shared.ids import UserId
from subgraphs.social.service import Counts, Page, PageKey, Pair, SocialService


class CountsLoader(DataLoader[UserId, Counts]):
    """``followerCount``/``followingCount`` of many users (and connections' ``totalCount``)."""

    def __init__(self, service: SocialService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[UserId]) -> list[Counts]:
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


class PageLoader(DataLoader[PageKey, Page]):
    """``followers``/``following`` pages of many users: one statement per nesting level."""

    def __init__(self, service: SocialService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[PageKey]) -> list[Page]:
        async with self._database.transaction() as session:
            found = await self._service.pages(keys, session=session)
        return [found[key] for key in keys]


@dataclass(frozen=True, slots=True)
class SocialLoaders:
    counts: CountsLoader
    edges: EdgeLoader
    pages: PageLoader

    @classmethod
    def of(cls, service: SocialService, database: Database) -> SocialLoaders:
        return cls(
            counts=CountsLoader(service, database),
            edges=EdgeLoader(service, database),
            pages=PageLoader(service, database),
        )
