"""The feed: push to ordinary authors' followers, pull from big authors, merged at read time.

Write side (driven by events, see :mod:`subgraphs.articles.consumers`):

- ``ArticlePublished``: stream the author's followers from social
  (``FollowerIds``, batches of ``FANOUT_BATCH``) and add the article to each
  follower's timeline, one pipelined round trip per batch. Once the count
  passes ``pull_threshold`` the author becomes *pulled*: the stream stops,
  the author is recorded in ``pulled_authors`` (and the Redis set mirroring
  it), and later publishes skip the fan-out altogether. Pulled is sticky.
- ``ArticleDeleted``: remove the article from the followers' timelines (the
  read path also drops anything no longer published, so a deleted article
  never shows, even before this runs).
- ``UserFollowed``/``UserUnfollowed``: add or remove the followee's newest
  ``size`` articles to or from the follower's timeline.

Read side, per page: the pushed timeline (rebuilt from the databases when
missing: followees from social's ``FolloweeIds``, their newest articles from
the articles database), merged with the pulled authors the reader follows
(``WhichFollowed`` against the pulled set, then one keyset query), newest
first by ``(published_at, id)``. The articles are loaded by id through the
cache in one batch and anything not published is skipped. Cost per page: a
Redis call, at most one gRPC call and one SQL statement for the pulled
authors, and the cache batch: the same whatever the page size.

With Redis down the feed is pulled whole from the databases: every followee
from social, their newest articles after the cursor from the articles
database (one statement per 1,000 followees), the articles through the cache
helper, which reads the database then. Dearer per page, but the reader gets
the same page instead of an error.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, after_commit
from shared.ids import UserId
from shared.pagination import Position
from shared.redis import Keys
from subgraphs.articles.models import Article, PulledAuthor
from subgraphs.articles.service import (
    ArticleId,
    ArticlesService,
    ArticleView,
    before,
    newest_first,
)
from subgraphs.articles.timelines import Timelines, feed_order
from subgraphs.articles.upserts import add_pulled_author

log = logging.getLogger(__name__)

FANOUT_BATCH = 1000
REBUILD_BATCH = 5000
# Authors per IN (...) when reading many authors' newest articles.
AUTHORS_PER_QUERY = 1000
_NOBODY = "0"  # keeps the pulled set present when no author is pulled


class FollowGraph(Protocol):
    """Who follows whom: answered by social, which owns follow edges."""

    def follower_batches(self, user_id: int, *, batch_size: int) -> AsyncIterator[list[UserId]]: ...

    def followee_batches(self, user_id: int, *, batch_size: int) -> AsyncIterator[list[UserId]]: ...

    async def which_followed(
        self, follower_id: int, candidates: Collection[int]
    ) -> set[UserId]: ...


@dataclass(frozen=True, slots=True)
class FeedPage:
    articles: list[ArticleView]
    has_next_page: bool


class Feed:
    def __init__(
        self,
        *,
        database: Database,
        redis: Redis,
        keys: Keys,
        articles: ArticlesService,
        timelines: Timelines,
        graph: FollowGraph,
        pull_threshold: int,
    ) -> None:
        self._database = database
        self._redis = redis
        self._articles = articles
        self._timelines = timelines
        self._graph = graph
        self._pull_threshold = pull_threshold
        self._pulled_key = keys.key("pulled-authors")

    # -- reading ---------------------------------------------------------------

    async def page(self, reader_id: int, *, first: int, after: Position | None) -> FeedPage:
        try:
            return await self._merged_page(reader_id, first=first, after=after)
        except RedisError as exc:
            log.warning("timelines unavailable (%s); pulling the feed from the databases", exc)
            return await self._pulled_whole(reader_id, first=first, after=after)

    async def _pulled_whole(
        self, reader_id: int, *, first: int, after: Position | None
    ) -> FeedPage:
        followees = [
            followee
            async for batch in self._graph.followee_batches(reader_id, batch_size=REBUILD_BATCH)
            for followee in batch
        ]
        async with self._database.transaction() as session:
            candidates = await self._newest_of(
                followees, session=session, after=after, count=first + 1
            )
            views = await self._articles.articles_by_id(
                (ArticleId(c.id) for c in candidates), session=session
            )
        shown = [
            view
            for c in candidates
            if (view := self._articles.published(views[ArticleId(c.id)])) is not None
        ]
        return FeedPage(articles=shown[:first], has_next_page=len(shown) > first)

    async def _merged_page(self, reader_id: int, *, first: int, after: Position | None) -> FeedPage:
        want = first + 1
        pulled = await self._followed_pulled_authors(reader_id)
        shown: list[ArticleView] = []
        cursor = after
        while len(shown) < want:
            need = want - len(shown)
            pushed = await self._timelines.page(reader_id, cursor, need)
            if pushed is None:
                await self.rebuild(reader_id)
                pushed = await self._timelines.page(reader_id, cursor, need) or []
            pulled_page = await self._pulled_page(pulled, cursor, need)
            candidates = feed_order({*pushed, *pulled_page})[:need]
            if not candidates:
                break
            async with self._database.transaction() as session:
                views = await self._articles.articles_by_id(
                    (ArticleId(c.id) for c in candidates), session=session
                )
            # Deleted (or otherwise unpublished) articles never show, whatever a timeline holds.
            shown += [
                view
                for c in candidates
                if (view := self._articles.published(views[ArticleId(c.id)])) is not None
            ]
            if len(candidates) < need:
                break
            cursor = candidates[-1]
        return FeedPage(articles=shown[:first], has_next_page=len(shown) > first)

    async def _followed_pulled_authors(self, reader_id: int) -> list[int]:
        pulled = await self.pulled_authors()
        if not pulled:
            return []
        return sorted(await self._graph.which_followed(reader_id, pulled))

    async def _pulled_page(
        self, authors: Sequence[int], after: Position | None, count: int
    ) -> list[Position]:
        if not authors:
            return []
        async with self._database.transaction() as session:
            rows = await session.execute(
                newest_first(
                    select(Article.id, Article.published_at).where(
                        Article.author_id.in_(authors), before(after)
                    ),
                    count,
                )
            )
            return [Position(published, id_) for id_, published in rows if published is not None]

    async def pulled_authors(self, *, session: AsyncSession | None = None) -> set[int]:
        """Authors readers pull from: the Redis mirror, reloaded from the database if lost."""
        members = await self._redis.smembers(self._pulled_key)
        if members:
            return {int(m) for m in members} - {int(_NOBODY)}
        if session is None:
            async with self._database.transaction() as own:
                ids = list(await own.scalars(select(PulledAuthor.author_id)))
        else:
            ids = list(await session.scalars(select(PulledAuthor.author_id)))
        await self._redis.sadd(self._pulled_key, _NOBODY, *ids)
        return set(ids)

    async def rebuild(self, reader_id: int) -> None:
        """Build the reader's timeline from whom they follow and what those authors published."""
        followees = [
            followee
            async for batch in self._graph.followee_batches(reader_id, batch_size=REBUILD_BATCH)
            for followee in batch
        ]
        pulled = await self.pulled_authors()
        pushed = [f for f in followees if f not in pulled]
        async with self._database.transaction() as session:
            newest = await self._newest_of(pushed, session=session)
        await self._timelines.replace(reader_id, newest)

    async def _newest_of(
        self,
        authors: Sequence[int],
        *,
        session: AsyncSession,
        after: Position | None = None,
        count: int | None = None,
    ) -> list[Position]:
        """The ``count`` (default: a timeline's size) newest published articles of these
        authors, after ``after``."""
        size = self._timelines.size if count is None else count
        found: list[Position] = []
        for start in range(0, len(authors), AUTHORS_PER_QUERY):
            chunk = authors[start : start + AUTHORS_PER_QUERY]
            rows = await session.execute(
                newest_first(
                    select(Article.id, Article.published_at).where(
                        Article.author_id.in_(chunk), before(after)
                    ),
                    size,
                )
            )
            found += [Position(p, i) for i, p in rows if p is not None]
            found = feed_order(found)[:size]
        return found

    # -- writing (event handlers, in the consumer's transaction) --------------------

    async def fan_out(self, author_id: int, entry: Position, *, session: AsyncSession) -> int:
        """Push a new article to the author's followers; return how many were reached."""
        if author_id in await self.pulled_authors(session=session):
            return 0
        reached = 0
        async for batch in self._graph.follower_batches(author_id, batch_size=FANOUT_BATCH):
            await self._timelines.add(batch, [entry])
            reached += len(batch)
            if reached > self._pull_threshold:
                await self._make_pulled(author_id, session=session)
                break
        return reached

    async def withdraw(self, author_id: int, article_id: int, *, session: AsyncSession) -> None:
        """Take a deleted article out of the followers' timelines."""
        if author_id in await self.pulled_authors(session=session):
            return
        async for batch in self._graph.follower_batches(author_id, batch_size=FANOUT_BATCH):
            await self._timelines.remove(batch, [article_id])

    async def followed(self, follower_id: int, followee_id: int, *, session: AsyncSession) -> None:
        if followee_id not in await self.pulled_authors(session=session):
            newest = await self._newest_of([followee_id], session=session)
            await self._timelines.add([follower_id], newest)

    async def unfollowed(
        self, follower_id: int, followee_id: int, *, session: AsyncSession
    ) -> None:
        # Pulled authors too: the publish that made them pulled was pushed to some followers.
        newest = await self._newest_of([followee_id], session=session)
        await self._timelines.remove([follower_id], [entry.id for entry in newest])

    async def _make_pulled(self, author_id: int, *, session: AsyncSession) -> None:
        await add_pulled_author(session, author_id)
        # The mirror is reloaded from the table on its next read, which now holds the author.
        after_commit(session, lambda: self._forget_pulled())

    async def _forget_pulled(self) -> None:
        await self._redis.delete(self._pulled_key)
