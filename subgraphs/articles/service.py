"""The business rules of articles. Every function takes the caller's session and never commits.

Only an article's author may change it (``Forbidden`` for anyone else);
inputs are checked before the first statement, and whether the author still
exists is asked of accounts (over gRPC) before it too, so no row lock is held
across a network call. Each change writes the article, its tags and the
outbox event in the caller's one transaction, and drops the article's cache
entry once that transaction has committed.

Reads by id go through the cache-aside helper (one Redis ``MGET``; the
misses in two statements, articles then their tags). Lists are keyset pages
on ``(published_at, id)``, newest first; many authors' pages are read in one
``UNION ALL`` statement.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NewType, Protocol, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shared.cache import EntityCache
from shared.db import utcnow
from shared.errors import BadUserInput, Forbidden, NotFound, every_bad_input
from shared.ids import UserId
from shared.pagination import Position
from subgraphs.articles import events, rules
from subgraphs.articles.models import Article, ArticleStatus, ArticleTag, Tag
from subgraphs.articles.upserts import tag_ids

ArticleId = NewType("ArticleId", int)


class AuthorDirectory(Protocol):
    """Who exists: answered by accounts, which owns users."""

    async def existing(self, user_ids: Collection[int]) -> set[UserId]: ...


@dataclass(frozen=True, slots=True)
class ArticleView:
    """An article as readers see it, and as it is cached."""

    id: ArticleId
    author_id: UserId
    title: str
    content: str
    summary: str
    cover: str | None
    tags: tuple[str, ...]
    status: ArticleStatus
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    view_count: int
    """Views flushed to the database; the Redis buffer holds the rest."""
    member_only: bool = False

    @property
    def position(self) -> Position:
        assert self.published_at is not None, "only published articles are listed"
        return Position(self.published_at, self.id)

    @classmethod
    def from_row(cls, row: Article, tags: Sequence[str]) -> ArticleView:
        """Tags by name, as every read gives them, whatever order they were written in."""
        return cls(
            id=ArticleId(row.id),
            author_id=UserId(row.author_id),
            title=row.title,
            content=row.content,
            summary=row.summary,
            cover=row.cover,
            tags=tuple(sorted(tags)),
            status=row.status,
            published_at=row.published_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            view_count=row.view_count,
            member_only=row.member_only,
        )


@dataclass(frozen=True, slots=True)
class Draft:
    """What ``publishArticle`` is given, checked by :meth:`ArticlesService.publish`."""

    title: str
    content: str
    summary: str | None = None
    cover: str | None = None
    tags: Sequence[str] = ()
    member_only: bool = False


@dataclass(frozen=True, slots=True)
class Changes:
    """What ``updateArticle`` changes; ``None`` leaves a field as it is ("" removes the cover)."""

    title: str | None = None
    content: str | None = None
    summary: str | None = None
    cover: str | None = None
    tags: Sequence[str] | None = None
    draft: bool | None = None
    """``False`` publishes a draft; a published article cannot go back to draft."""


@dataclass(frozen=True, slots=True)
class Page:
    articles: list[ArticleView] = field(default_factory=list)
    has_next_page: bool = False


@dataclass(frozen=True, slots=True)
class TagCount:
    name: str
    article_count: int


Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")

PageKey = tuple[UserId, int, Position | None]
"""(author id, page size, cursor): one author's page, as the list loader batches them."""


def published_now() -> datetime:
    # Whole seconds, as MariaDB's DATETIME stores them, so the time a timeline is
    # scored with is exactly the one a cursor built from the database holds.
    return utcnow().replace(microsecond=0)


def before(position: Position | None) -> ColumnElement[bool]:
    """Published articles strictly after ``position`` in newest-first order."""
    published = Article.status == ArticleStatus.PUBLISHED
    if position is None:
        return published
    return and_(
        published,
        or_(
            Article.published_at < position.created_at,
            and_(Article.published_at == position.created_at, Article.id < position.id),
        ),
    )


def newest_first(query: Q, limit: int) -> Q:
    return query.order_by(Article.published_at.desc(), Article.id.desc()).limit(limit)


class ArticlesService:
    def __init__(
        self,
        *,
        cache: EntityCache[ArticleId, ArticleView],
        directory: AuthorDirectory,
    ) -> None:
        self._cache = cache
        self._directory = directory

    # -- writing ---------------------------------------------------------------

    async def publish(
        self, author_id: UserId, draft: Draft, *, as_draft: bool = False, session: AsyncSession
    ) -> ArticleView:
        """Create an article (published unless ``as_draft``) and return it."""
        with every_bad_input() as check:
            title = check(rules.check_title, draft.title)
            content = check(rules.check_content, draft.content)
            summary = check(rules.check_summary, draft.summary) if draft.summary else None
            cover = check(rules.check_cover, draft.cover) if draft.cover else None
            tags = check(rules.check_tags, draft.tags)
        summary = summary or rules.derive_summary(content)
        await self._check_author(author_id)
        now = utcnow()
        article = Article(
            author_id=author_id,
            title=title,
            content=content,
            summary=summary,
            cover=cover,
            member_only=draft.member_only,
            status=ArticleStatus.DRAFT if as_draft else ArticleStatus.PUBLISHED,
            published_at=None if as_draft else published_now(),
            created_at=now,
            updated_at=now,
            view_count=0,
        )
        session.add(article)
        await session.flush()
        await self._set_tags(article.id, tags, session=session)
        self._cache.invalidate_after_commit(session, ArticleId(article.id))
        if article.published_at is not None:
            await events.article_published(
                session,
                article_id=article.id,
                author_id=author_id,
                published_at=article.published_at,
                tags=tags,
            )
        return ArticleView.from_row(article, tags)

    async def update(
        self, author_id: UserId, article_id: ArticleId, changes: Changes, *, session: AsyncSession
    ) -> ArticleView:
        """Apply ``changes`` to the author's article and return it."""
        values: dict[str, Any] = {}
        with every_bad_input() as check:
            if changes.title is not None:
                values["title"] = check(rules.check_title, changes.title)
            if changes.content is not None:
                values["content"] = check(rules.check_content, changes.content)
            if changes.summary is not None:
                values["summary"] = check(rules.check_summary, changes.summary)
            if changes.cover is not None:
                values["cover"] = check(rules.check_cover, changes.cover)
            tags = check(rules.check_tags, changes.tags) if changes.tags is not None else None
        article = await self._own(author_id, article_id, session=session)
        content = values.get("content", article.content)
        if values.get("summary") == "" or (
            # A summary derived from the old content follows the new one.
            "summary" not in values
            and "content" in values
            and article.summary == rules.derive_summary(article.content)
        ):
            values["summary"] = rules.derive_summary(content)
        changed = sorted(name for name, value in values.items() if getattr(article, name) != value)
        for name in changed:
            setattr(article, name, values[name])
        current_tags = await self._tags_of([article.id], session=session)
        if tags is not None and sorted(tags) != current_tags.get(article.id, []):
            await self._set_tags(article.id, tags, replace=True, session=session)
            changed.append("tags")
        if changes.draft and article.status == ArticleStatus.PUBLISHED:
            raise BadUserInput(
                "A published article cannot go back to draft: delete it instead.", field="draft"
            )
        publishing = changes.draft is False and article.status == ArticleStatus.DRAFT
        if not changed and not publishing:
            return ArticleView.from_row(article, current_tags.get(article.id, []))
        article.updated_at = utcnow()
        if publishing:
            article.status = ArticleStatus.PUBLISHED
            article.published_at = published_now()
        await session.flush()
        final_tags = tags if tags is not None else current_tags.get(article.id, [])
        if changed:
            await events.article_updated(
                session,
                article_id=article.id,
                author_id=author_id,
                fields=sorted(changed),
                tags=final_tags,
            )
        if publishing and article.published_at is not None:
            await events.article_published(
                session,
                article_id=article.id,
                author_id=author_id,
                published_at=article.published_at,
                tags=final_tags,
            )
        self._cache.invalidate_after_commit(session, ArticleId(article.id))
        return ArticleView.from_row(article, final_tags)

    async def delete(
        self, author_id: UserId, article_id: ArticleId, *, session: AsyncSession
    ) -> ArticleView:
        """Mark the author's article DELETED; deleting it again changes nothing."""
        article = await self._own(author_id, article_id, session=session, deleted_ok=True)
        tags = (await self._tags_of([article.id], session=session)).get(article.id, [])
        if article.status == ArticleStatus.DELETED:
            return ArticleView.from_row(article, tags)
        article.status = ArticleStatus.DELETED
        article.updated_at = utcnow()
        await session.flush()
        await events.article_deleted(session, article_id=article.id, author_id=author_id)
        self._cache.invalidate_after_commit(session, ArticleId(article.id))
        return ArticleView.from_row(article, tags)

    async def _check_author(self, author_id: UserId) -> None:
        if author_id not in await self._directory.existing([author_id]):
            raise NotFound("Your account no longer exists: sign in again.")

    async def _own(
        self,
        author_id: UserId,
        article_id: ArticleId,
        *,
        session: AsyncSession,
        deleted_ok: bool = False,
    ) -> Article:
        """The article, locked for the change, if it exists and ``author_id`` wrote it."""
        article = await session.scalar(
            select(Article).where(Article.id == article_id).with_for_update()
        )
        if article is None or (article.status == ArticleStatus.DELETED and not deleted_ok):
            raise NotFound(f"There is no article with id {article_id}.")
        if article.author_id != author_id:
            raise Forbidden("Only the author may change this article.")
        return article

    async def _set_tags(
        self, article_id: int, names: Sequence[str], *, replace: bool = False, session: AsyncSession
    ) -> None:
        if replace:
            await session.execute(delete(ArticleTag).where(ArticleTag.article_id == article_id))
        ids = await tag_ids(session, names)
        if ids:
            await session.execute(
                insert(ArticleTag),
                [{"article_id": article_id, "tag_id": ids[name]} for name in names],
            )

    async def invalidate(self, article_ids: Iterable[ArticleId]) -> None:
        """Drop cached articles whose rows changed outside this class (view counts)."""
        ids = list(article_ids)
        if ids:
            await self._cache.invalidate(*ids)

    # -- reading by id -----------------------------------------------------------

    @staticmethod
    def visible(view: ArticleView | None, viewer: UserId | None) -> ArticleView | None:
        """The article if ``viewer`` may read it: published, or a draft of their own."""
        if view is None or view.status is ArticleStatus.DELETED:
            return None
        if view.status is ArticleStatus.DRAFT and viewer != view.author_id:
            return None
        return view

    @staticmethod
    def published(view: ArticleView | None) -> ArticleView | None:
        """The article if it is published (what views are counted and feeds show)."""
        return view if view is not None and view.status is ArticleStatus.PUBLISHED else None

    async def articles_by_id(
        self, ids: Iterable[ArticleId], *, session: AsyncSession
    ) -> dict[ArticleId, ArticleView | None]:
        """Articles by id through the cache, whatever their status; all misses in one read
        (in ``session``, which runs no statement when the cache has them all)."""

        async def read(missing: list[ArticleId]) -> dict[ArticleId, ArticleView]:
            return await self._read_articles(missing, session=session)

        return await self._cache.get_many(ids, read)

    async def _read_articles(
        self, ids: list[ArticleId], *, session: AsyncSession
    ) -> dict[ArticleId, ArticleView]:
        rows = (await session.scalars(select(Article).where(Article.id.in_(ids)))).all()
        tags = await self._tags_of([row.id for row in rows], session=session)
        return {ArticleId(row.id): ArticleView.from_row(row, tags.get(row.id, [])) for row in rows}

    async def _tags_of(
        self, article_ids: Sequence[int], *, session: AsyncSession
    ) -> dict[int, list[str]]:
        if not article_ids:
            return {}
        rows = await session.execute(
            select(ArticleTag.article_id, Tag.name)
            .join(Tag, Tag.id == ArticleTag.tag_id)
            .where(ArticleTag.article_id.in_(article_ids))
            .order_by(ArticleTag.article_id, Tag.name)
        )
        found: dict[int, list[str]] = {}
        for article_id, name in rows:
            found.setdefault(article_id, []).append(name)
        return found

    # -- lists -----------------------------------------------------------------

    async def pages_by_author(
        self, keys: Sequence[PageKey], *, session: AsyncSession
    ) -> dict[PageKey, Page]:
        """Each author's published articles after their cursor, newest first, in one statement."""
        wanted = list(dict.fromkeys(keys))
        parts = []
        for index, (author_id, first, after) in enumerate(wanted):
            if first > 0:
                one = newest_first(
                    select(Article.id).where(Article.author_id == author_id, before(after)),
                    first + 1,
                ).subquery()
                parts.append(select(one.c.id, literal(index).label("part")))
        positions: dict[int, list[ArticleId]] = {index: [] for index in range(len(wanted))}
        if parts:
            rows = list(await session.execute(union_all(*parts) if len(parts) > 1 else parts[0]))
            for article_id, part in rows:
                positions[int(part)].append(ArticleId(article_id))
        ids = [article_id for found in positions.values() for article_id in found]
        views = await self.articles_by_id(ids, session=session)
        pages: dict[PageKey, Page] = {}
        for index, key in enumerate(wanted):
            first = key[1]
            found = [view for i in positions[index] if (view := views[i]) is not None]
            pages[key] = Page(articles=found[:first], has_next_page=len(found) > first)
        return pages

    async def page(
        self, *, first: int, after: Position | None, tag: str | None, session: AsyncSession
    ) -> Page:
        """All published articles (with ``tag``, if given) after the cursor, newest first."""
        query = select(Article.id).where(before(after))
        if tag is not None:
            query = query.join(ArticleTag, ArticleTag.article_id == Article.id).join(
                Tag, and_(Tag.id == ArticleTag.tag_id, Tag.name == tag)
            )
        ids = [ArticleId(i) for i in await session.scalars(newest_first(query, first + 1))]
        views = await self.articles_by_id(ids, session=session)
        found = [view for i in ids if (view := views[i]) is not None]
        return Page(articles=found[:first], has_next_page=len(found) > first)

    async def published_counts(
        self, author_ids: Sequence[UserId], *, session: AsyncSession
    ) -> dict[UserId, int]:
        """How many published articles each author has, in one statement."""
        rows = await session.execute(
            select(Article.author_id, func.count())
            .where(Article.author_id.in_(author_ids), Article.status == ArticleStatus.PUBLISHED)
            .group_by(Article.author_id)
        )
        counts = dict.fromkeys(author_ids, 0)
        counts.update({UserId(int(author_id)): int(n) for author_id, n in rows})
        return counts

    async def published_count(self, *, tag: str | None, session: AsyncSession) -> int:
        """How many published articles there are (with ``tag``, if given)."""
        query = select(func.count()).select_from(Article)
        if tag is not None:
            query = query.join(ArticleTag, ArticleTag.article_id == Article.id).join(
                Tag, and_(Tag.id == ArticleTag.tag_id, Tag.name == tag)
            )
        return int(
            await session.scalar(query.where(Article.status == ArticleStatus.PUBLISHED)) or 0
        )

    async def popular_tags(self, *, first: int, session: AsyncSession) -> list[TagCount]:
        """The tags on most published articles, most used first."""
        count = func.count(ArticleTag.article_id).label("n")
        rows = await session.execute(
            select(Tag.name, count)
            .join(ArticleTag, ArticleTag.tag_id == Tag.id)
            .join(Article, Article.id == ArticleTag.article_id)
            .where(Article.status == ArticleStatus.PUBLISHED)
            .group_by(Tag.name)
            .order_by(count.desc(), Tag.name)
            .limit(first)
        )
        return [TagCount(name, n) for name, n in rows]
