"""Per-request loaders: a field asked of many articles or authors becomes one round."""

from __future__ import annotations

from dataclasses import dataclass

from aiodataloader import DataLoader

from shared.db import Database
from subgraphs.articles.service import ArticleId, ArticlesService, ArticleView, Page, PageKey
from subgraphs.articles.views import ViewCounter


class ArticleLoader(DataLoader[ArticleId, ArticleView | None]):
    """Articles by id, through the cache (misses in one read)."""

    def __init__(self, service: ArticlesService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[ArticleId]) -> list[ArticleView | None]:
        async with self._database.transaction() as session:
            found = await self._service.articles_by_id(keys, session=session)
        return [found[key] for key in keys]


class AuthorPagesLoader(DataLoader[PageKey, Page]):
    """``User.articles`` pages of many authors in one statement."""

    def __init__(self, service: ArticlesService, database: Database) -> None:
        super().__init__()
        self._service = service
        self._database = database

    async def batch_load_fn(self, keys: list[PageKey]) -> list[Page]:
        async with self._database.transaction() as session:
            found = await self._service.pages_by_author(keys, session=session)
        return [found[key] for key in keys]


class BufferedViewsLoader(DataLoader[int, int]):
    """Views of many articles still in the Redis buffer, in one ``HMGET``."""

    def __init__(self, counter: ViewCounter) -> None:
        super().__init__()
        self._counter = counter

    async def batch_load_fn(self, keys: list[int]) -> list[int]:
        found = await self._counter.buffered(keys)
        return [found[key] for key in keys]


@dataclass(frozen=True, slots=True)
class ArticlesLoaders:
    articles: ArticleLoader
    pages: AuthorPagesLoader
    views: BufferedViewsLoader

    @classmethod
    def of(
        cls, service: ArticlesService, database: Database, counter: ViewCounter
    ) -> ArticlesLoaders:
        return cls(
            articles=ArticleLoader(service, database),
            pages=AuthorPagesLoader(service, database),
            views=BufferedViewsLoader(counter),
        )
