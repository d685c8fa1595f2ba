"""The articles subgraph: ``Article``, tags, ``User.articles``, the feed, and the article mutations.

``User`` belongs to accounts: this subgraph declares only its key and the
``articles`` list it adds, and ``Article.author`` is a reference by key that
the router resolves (nickname from accounts, follower count from social).
Drafts are visible to their author only; deleted articles read as null.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.errors import Forbidden, NotFound
from shared.graphql.app import schema_extensions
from shared.graphql.arguments import After, First
from shared.graphql.connections import PageInfo
from shared.graphql.ids import parse_typed, require_id
from shared.graphql.scalars import schema_config
from shared.graphql.users import UserKey
from shared.pagination import DEFAULT_FIRST, MAX_FIRST, check_first, decode_cursor, encode_cursor
from subgraphs.articles import rules
from subgraphs.articles.context import ArticlesContext
from subgraphs.articles.service import (
    ArticleId,
    ArticleView,
    Changes,
    Draft,
)

ArticlesInfo = Info[ArticlesContext, None]

ArticleIdArgument = Annotated[strawberry.ID, strawberry.argument(description="The article's id.")]


@strawberry.enum(description="Where an article is in its life.")
class ArticleStatus(enum.Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    DELETED = "DELETED"


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User(UserKey):
    @strawberry.field(description="Articles this user published, newest first.")
    async def articles(
        self, info: ArticlesInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> ArticleConnection:
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        page = await info.context.loaders.pages.load((self.user_id, size, position))
        return ArticleConnection.of(
            page.articles,
            page.has_next_page,
            after,
            counting=lambda: info.context.loaders.counts.load(self.user_id),
        )

    @strawberry.field(description="How many articles this user has published.")
    async def article_count(self, info: ArticlesInfo) -> int:
        count: int = await info.context.loaders.counts.load(self.user_id)
        return count


@strawberry.federation.type(keys=["id"], description="An article: long-form writing by a member.")
class Article:
    id: strawberry.ID
    title: str
    member_only: bool = strawberry.field(
        description="Whether its content is for members only (everything else is public)."
    )
    summary: str = strawberry.field(
        description="The author's summary, or the start of the content when none was given."
    )
    cover: str | None = strawberry.field(description="URL of the cover image.")
    tags: list[str] = strawberry.field(description="Lower-case tag names, at most 5, by name.")
    status: ArticleStatus
    published_at: datetime | None = strawberry.field(description="Null while a draft.")
    created_at: datetime = strawberry.field(description="When it was first written (as a draft).")
    updated_at: datetime
    view: strawberry.Private[ArticleView]

    @classmethod
    def of(cls, view: ArticleView) -> Article:
        return cls(
            id=strawberry.ID(str(view.id)),
            title=view.title,
            member_only=view.member_only,
            summary=view.summary,
            cover=view.cover,
            tags=list(view.tags),
            status=ArticleStatus(view.status.value),
            published_at=view.published_at,
            created_at=view.created_at,
            updated_at=view.updated_at,
            view=view,
        )

    @strawberry.field(
        description="The body, as the author wrote it; null with FORBIDDEN for a member-only "
        "article unless you are a member or its author."
    )
    async def content(self, info: ArticlesInfo) -> str | None:
        view = self.view
        if view.member_only:
            viewer = info.context.viewer
            if viewer != view.author_id and not (
                viewer is not None and await info.context.memberships.is_member(viewer)
            ):
                raise Forbidden("This article is for members: become a member to read it.")
        return view.content

    @classmethod
    async def resolve_reference(cls, info: ArticlesInfo, id: strawberry.ID) -> Article | None:
        article_id = parse_typed(id, ArticleId)
        if article_id is None:
            return None
        view = info.context.service.visible(
            await info.context.loaders.articles.load(article_id), info.context.viewer
        )
        return cls.of(view) if view else None

    @strawberry.field(description="Who wrote it.")
    def author(self) -> User:
        return User.of(self.view.author_id)

    @strawberry.field(description="How many times it was read (recent views included).")
    async def view_count(self, info: ArticlesInfo) -> int:
        return self.view.view_count + await info.context.loaders.views.load(self.view.id)


@strawberry.type(description="One article in a list.")
class ArticleEdge:
    cursor: str
    node: Article


@strawberry.type(description="A page of articles, newest first.")
class ArticleConnection:
    edges: list[ArticleEdge]
    page_info: PageInfo
    counting: strawberry.Private[Callable[[], Awaitable[int]] | None]

    @strawberry.field(description="How many articles the whole list holds; null for the feed.")
    async def total_count(self) -> int | None:
        return await self.counting() if self.counting else None

    @classmethod
    def of(
        cls,
        articles: list[ArticleView],
        has_next_page: bool,
        after: str | None,
        *,
        counting: Callable[[], Awaitable[int]] | None = None,
    ) -> ArticleConnection:
        edges = [
            ArticleEdge(cursor=encode_cursor(a.position), node=Article.of(a)) for a in articles
        ]
        cursors = [edge.cursor for edge in edges]
        return cls(
            edges=edges,
            page_info=PageInfo.of(cursors, has_next_page=has_next_page, after=after),
            counting=counting,
        )


@strawberry.type(description="A tag and how many published articles carry it.")
class Tag:
    name: str
    article_count: int


@strawberry.input(description="A new article. Tags: at most 5, letters and digits with dashes.")
class PublishArticleInput:
    title: str = strawberry.field(description="1 to 100 characters.")
    content: str = strawberry.field(description=f"At most {rules.CONTENT_MAX_BYTES} bytes.")
    summary: str | None = strawberry.field(
        default=None, description="At most 300 characters; derived from the content if omitted."
    )
    cover: str | None = strawberry.field(default=None, description="An http(s) image URL.")
    tags: list[str] = strawberry.field(default_factory=list)
    draft: bool = strawberry.field(
        default=False, description="Keep it as a draft, visible only to you, instead of publishing."
    )
    member_only: bool = strawberry.field(
        default=False, description="Show its content to members only."
    )


@strawberry.input(description="Fields of an article to change; omitted fields stay as they are.")
class UpdateArticleInput:
    title: str | None = None
    content: str | None = None
    summary: str | None = strawberry.field(
        default=None, description="The empty string derives it from the content again."
    )
    cover: str | None = strawberry.field(
        default=None, description="The empty string removes the cover."
    )
    tags: list[str] | None = strawberry.field(default=None, description="Replaces all tags.")
    draft: bool | None = strawberry.field(
        default=None, description="`false` publishes a draft; a published article stays published."
    )


@strawberry.type
class Query:
    @strawberry.field(description="An article by id; null if there is none or you may not see it.")
    async def article(self, info: ArticlesInfo, id: ArticleIdArgument) -> Article | None:
        _article_id(id)  # a malformed id is the client's mistake, not a missing article
        return await Article.resolve_reference(info, id)

    @strawberry.field(description="Published articles, newest first, optionally with one tag.")
    async def articles(
        self,
        info: ArticlesInfo,
        first: First = DEFAULT_FIRST,
        after: After = None,
        tag: Annotated[str | None, strawberry.argument(description="A tag name.")] = None,
    ) -> ArticleConnection:
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        name = rules.check_tag(tag) if tag is not None else None
        async with info.context.database.transaction() as session:
            page = await info.context.service.page(
                first=size, after=position, tag=name, session=session
            )

        async def counting() -> int:
            async with info.context.database.transaction() as session:
                return await info.context.service.published_count(tag=name, session=session)

        return ArticleConnection.of(page.articles, page.has_next_page, after, counting=counting)

    @strawberry.field(description="The most used tags, most used first.")
    async def tags(
        self,
        info: ArticlesInfo,
        first: Annotated[
            int | None, strawberry.argument(description=f"At most {MAX_FIRST} tags.")
        ] = DEFAULT_FIRST,
    ) -> list[Tag]:
        size = check_first(first)
        async with info.context.database.transaction() as session:
            found = await info.context.service.popular_tags(first=size, session=session)
        return [Tag(name=tag.name, article_count=tag.article_count) for tag in found]

    @strawberry.field(description="Your timeline: articles by the people you follow, newest first.")
    async def feed(
        self, info: ArticlesInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> ArticleConnection:
        viewer = info.context.require_viewer()
        size = check_first(first)
        position = decode_cursor(after) if after is not None else None
        page = await info.context.feed.page(viewer, first=size, after=position)
        return ArticleConnection.of(page.articles, page.has_next_page, after)


def _article_id(raw: strawberry.ID) -> ArticleId:
    return require_id(raw, ArticleId, field="id")


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Publish an article (or save a draft) and return it.")
    async def publish_article(self, info: ArticlesInfo, input: PublishArticleInput) -> Article:
        author = info.context.require_viewer()
        draft = Draft(
            title=input.title,
            content=input.content,
            summary=input.summary,
            cover=input.cover,
            tags=input.tags,
            member_only=input.member_only,
        )
        async with info.context.database.transaction() as session:
            view = await info.context.service.publish(
                author, draft, as_draft=input.draft, session=session
            )
        return Article.of(view)

    @strawberry.mutation(description="Change your article and return it.")
    async def update_article(
        self, info: ArticlesInfo, id: ArticleIdArgument, input: UpdateArticleInput
    ) -> Article:
        author = info.context.require_viewer()
        changes = Changes(
            title=input.title,
            content=input.content,
            summary=input.summary,
            cover=input.cover,
            tags=input.tags,
            draft=input.draft,
        )
        async with info.context.database.transaction() as session:
            view = await info.context.service.update(
                author, _article_id(id), changes, session=session
            )
        return Article.of(view)

    @strawberry.mutation(
        description="Delete your article and return it (status DELETED). Deleting it again "
        "succeeds and changes nothing."
    )
    async def delete_article(self, info: ArticlesInfo, id: ArticleIdArgument) -> Article:
        author = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.delete(author, _article_id(id), session=session)
        return Article.of(view)

    @strawberry.mutation(description="Count one read of a published article and return it.")
    async def record_article_view(self, info: ArticlesInfo, id: ArticleIdArgument) -> Article:
        article_id = _article_id(id)
        view = info.context.service.published(await info.context.loaders.articles.load(article_id))
        if view is None:
            raise NotFound(f"There is no published article with id {article_id}.")
        await info.context.views.record(article_id)
        info.context.loaders.views.clear(article_id)
        return Article.of(view)


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        types=[User, Article],
        extensions=schema_extensions(),
        config=schema_config(),
        federation_version="2.11",
    )
