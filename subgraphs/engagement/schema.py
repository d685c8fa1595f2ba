"""The engagement subgraph: likes and comments on ``Article``, ``Answer`` and ``Comment``,
the hot list and recommendations.

``Article`` (articles), ``Question`` and ``Answer`` (qa) and ``User``
(accounts) belong to other subgraphs: this one declares their keys and the
fields it adds. ``likeCount`` is the stored count plus likes not yet flushed
(see :mod:`subgraphs.engagement.counts`). Comment lists are keyset pages:
top-level comments newest first, replies oldest first; ``first`` is at most 100.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.errors import BadUserInput
from shared.graphql.app import schema_extensions
from shared.graphql.arguments import After, First, IdArgument
from shared.graphql.connections import PageInfo
from shared.graphql.ids import parse_typed, require_id
from shared.graphql.scalars import schema_config
from shared.graphql.users import UserKey
from shared.ids import UserId, parse_id
from shared.pagination import (
    DEFAULT_FIRST,
    check_first,
    decode_fields,
    encode_fields,
    invalid_cursor,
)
from subgraphs.engagement import rules
from subgraphs.engagement.context import EngagementContext
from subgraphs.engagement.recommend import LIMIT, Pick, recommend
from subgraphs.engagement.rules import Kind
from subgraphs.engagement.service import CommentId, CommentView, Page
from subgraphs.engagement.subjects import SubjectKey
from subgraphs.engagement.trending import ALL, HotWindow

EngagementInfo = Info[EngagementContext, None]


@strawberry.enum(name="EngagementTargetKind", description="What a like or comment is on.")
class TargetKind(enum.Enum):
    ARTICLE = "ARTICLE"
    ANSWER = "ANSWER"
    COMMENT = "COMMENT"


@strawberry.enum(name="HotKind", description="Which content a hot list ranks.")
class HotKind(enum.Enum):
    ARTICLE = "ARTICLE"
    QUESTION = "QUESTION"
    ALL = "ALL"


@strawberry.enum(name="HotWindow", description="How recent the ranked content is.")
class HotWindowArg(enum.Enum):
    DAY = "DAY"
    WEEK = "WEEK"


@strawberry.enum(name="RankedKind", description="The kind of a ranked piece of content.")
class RankedKind(enum.Enum):
    ARTICLE = "ARTICLE"
    QUESTION = "QUESTION"


@strawberry.input(description="What to like or unlike: an article, an answer or a comment.")
class LikeTarget:
    kind: TargetKind
    id: strawberry.ID


@strawberry.input(description="What to comment on: an article or answer, or a comment to reply to.")
class CommentTarget:
    kind: TargetKind
    id: strawberry.ID


def _cursor(view: CommentView) -> str:
    return encode_fields("c1", view.id)


def _after_id(after: str | None, field: str = "after") -> int | None:
    if after is None:
        return None
    fields = decode_fields(after, field=field)
    id_ = parse_id(fields[1]) if len(fields) == 2 and fields[0] == "c1" else None
    if id_ is None:
        raise invalid_cursor(field)
    return id_


async def _like_count(info: EngagementInfo, key: SubjectKey, stored: int) -> int:
    return max(0, stored + await info.context.loaders.pending.load(key))


async def _viewer_has_liked(info: EngagementInfo, key: SubjectKey) -> bool:
    viewer = info.context.viewer
    return viewer is not None and await info.context.loaders.liked.load((viewer, key))


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User(UserKey):
    pass


@strawberry.type
class Commented:
    """Fields engagement adds to an article or answer, read through its projection."""

    id: strawberry.ID
    key: strawberry.Private[SubjectKey]

    @strawberry.field(description="How many members like it.")
    async def like_count(self, info: EngagementInfo) -> int:
        view = await info.context.loaders.subjects.load(self.key)
        return await _like_count(info, self.key, view.like_count if view else 0)

    @strawberry.field(description="Whether you like it; false when you have not signed in.")
    async def viewer_has_liked(self, info: EngagementInfo) -> bool:
        return await _viewer_has_liked(info, self.key)

    @strawberry.field(description="How many comments it has, replies included.")
    async def comment_count(self, info: EngagementInfo) -> int:
        view = await info.context.loaders.subjects.load(self.key)
        return view.comment_count if view else 0

    @strawberry.field(description="Its comments, newest first; each carries its replies.")
    async def comments(
        self, info: EngagementInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> CommentConnection:
        size = check_first(first)
        kind, id_ = self.key
        loaders = info.context.loaders
        page = await loaders.comment_pages.load((kind, id_, size, _after_id(after)))
        view = await loaders.subjects.load(self.key)
        return CommentConnection.of(page, view.comment_count if view else 0, after)


def _reference(kind: Kind, raw: strawberry.ID) -> SubjectKey | None:
    id_ = parse_id(raw)
    return (kind, id_) if id_ is not None else None


@strawberry.federation.type(keys=["id"], description="An article.")
class Article(Commented):
    @classmethod
    def of(cls, id_: int) -> Article:
        return cls(id=strawberry.ID(str(id_)), key=(Kind.ARTICLE, id_))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Article | None:
        key = _reference(Kind.ARTICLE, id)
        return cls.of(key[1]) if key else None


@strawberry.federation.type(keys=["id"], description="An answer to a question.")
class Answer(Commented):
    @classmethod
    def of(cls, id_: int) -> Answer:
        return cls(id=strawberry.ID(str(id_)), key=(Kind.ANSWER, id_))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Answer | None:
        key = _reference(Kind.ANSWER, id)
        return cls.of(key[1]) if key else None


@strawberry.federation.type(keys=["id"], description="A question.")
class Question:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Question | None:
        return cls(id=id) if parse_id(id) is not None else None


@strawberry.federation.type(
    keys=["id"], description="A comment on an article or answer, or a reply."
)
class Comment:
    id: strawberry.ID
    created_at: datetime
    deleted: bool = strawberry.field(description="Deleted comments keep their replies.")
    body: str | None = strawberry.field(description="Null once the comment is deleted.")
    reply_count: int = strawberry.field(description="How many live replies it has.")
    view: strawberry.Private[CommentView]

    @classmethod
    def of(cls, view: CommentView) -> Comment:
        return cls(
            id=strawberry.ID(str(view.id)),
            created_at=view.created_at,
            deleted=view.deleted,
            body=view.body,
            reply_count=view.reply_count,
            view=view,
        )

    @classmethod
    async def resolve_reference(cls, info: EngagementInfo, id: strawberry.ID) -> Comment | None:
        key = parse_typed(id, CommentId)
        view = await info.context.loaders.comments.load(key) if key is not None else None
        return cls.of(view) if view else None

    @strawberry.field(description="Who wrote it.")
    def author(self) -> User:
        return User.of(self.view.author_id)

    @strawberry.field(description="The member a reply answers, if it names one.")
    def reply_to(self) -> User | None:
        reply_to = self.view.reply_to_user_id
        return User.of(reply_to) if reply_to is not None else None

    @strawberry.field(description="The comment a reply belongs to; null for a top-level comment.")
    async def parent(self, info: EngagementInfo) -> Comment | None:
        parent = self.view.parent_id
        view = await info.context.loaders.comments.load(parent) if parent is not None else None
        return Comment.of(view) if view else None

    @strawberry.field(description="The article it is on, if it is on an article.")
    def article(self) -> Article | None:
        return Article.of(self.view.subject_id) if self.view.subject_kind is Kind.ARTICLE else None

    @strawberry.field(description="The answer it is on, if it is on an answer.")
    def answer(self) -> Answer | None:
        return Answer.of(self.view.subject_id) if self.view.subject_kind is Kind.ANSWER else None

    @strawberry.field(description="Its replies, oldest first.")
    async def replies(
        self, info: EngagementInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> CommentConnection:
        size = check_first(first)
        page = await info.context.loaders.reply_pages.load((self.view.id, size, _after_id(after)))
        return CommentConnection.of(page, self.view.reply_count, after)

    @strawberry.field(description="How many members like it.")
    async def like_count(self, info: EngagementInfo) -> int:
        return await _like_count(info, (Kind.COMMENT, self.view.id), self.view.like_count)

    @strawberry.field(description="Whether you like it; false when you have not signed in.")
    async def viewer_has_liked(self, info: EngagementInfo) -> bool:
        return await _viewer_has_liked(info, (Kind.COMMENT, self.view.id))


@strawberry.type(description="One comment in a list.")
class CommentEdge:
    cursor: str
    node: Comment


@strawberry.type(description="A page of comments.")
class CommentConnection:
    edges: list[CommentEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many live comments the list counts.")

    @classmethod
    def of(cls, page: Page, total: int, after: str | None) -> CommentConnection:
        edges = [CommentEdge(cursor=_cursor(view), node=Comment.of(view)) for view in page.items]
        return cls(
            edges=edges,
            page_info=PageInfo.of(
                [edge.cursor for edge in edges], has_next_page=page.has_next_page, after=after
            ),
            total_count=total,
        )


@strawberry.type(description="A like's target after a like or unlike.")
class LikeState:
    kind: TargetKind
    id: strawberry.ID
    like_count: int
    viewer_has_liked: bool


@strawberry.type(description="An article or question on the hot list or recommended.")
class RankedItem:
    kind: RankedKind
    score: float = strawberry.field(description="Its score now; higher ranks first.")
    reason: str = strawberry.field(description="Why it is listed: HOT, AUTHOR or TAG.")
    article: Article | None
    question: Question | None

    @classmethod
    def of(cls, pick: Pick) -> RankedItem:
        article = Article.of(pick.id) if pick.kind is Kind.ARTICLE else None
        question = Question(id=strawberry.ID(str(pick.id))) if pick.kind is Kind.QUESTION else None
        return cls(
            kind=RankedKind(pick.kind.value),
            score=round(pick.score, 6),
            reason=pick.reason,
            article=article,
            question=question,
        )


@strawberry.type(description="One recommendation.")
class RankedEdge:
    cursor: str
    node: RankedItem


@strawberry.type(description="A page of recommendations.")
class RankedConnection:
    edges: list[RankedEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many the whole list holds.")


def _offset(after: str | None) -> int:
    if after is None:
        return 0
    fields = decode_fields(after, field="after")
    offset = parse_id(fields[1]) if len(fields) == 2 and fields[0] == "r1" else None
    if offset is None or offset > LIMIT:
        raise invalid_cursor("after")
    return offset


async def _hot_ready(info: EngagementInfo) -> None:
    hot = info.context.hot
    if not await hot.built():
        async with info.context.database.transaction() as session:
            await hot.rebuild(session)


def _target(kind: TargetKind, raw: strawberry.ID) -> tuple[Kind, int]:
    return Kind(kind.value), require_id(raw, int, field="target.id")


@strawberry.type
class Query:
    @strawberry.field(description="A comment by id, or null if there is none.")
    async def comment(self, info: EngagementInfo, id: IdArgument) -> Comment | None:
        return await Comment.resolve_reference(info, id)

    @strawberry.field(description="The hot list (热榜): the hottest content of a day or week.")
    async def trending(
        self,
        info: EngagementInfo,
        first: First = DEFAULT_FIRST,
        kind: HotKind = HotKind.ALL,
        window: HotWindowArg = HotWindowArg.DAY,
    ) -> list[RankedItem]:
        size = check_first(first)
        await _hot_ready(info)
        ranked = Kind(kind.value) if kind is not HotKind.ALL else ALL
        entries = await info.context.hot.top(ranked, HotWindow[window.name], size)
        return [RankedItem.of(Pick(e.kind, e.id, e.score, "HOT")) for e in entries]

    @strawberry.field(
        description="Recommended (推荐): content like what you engage with, mixed with the hot "
        "list; the hot list when you have not signed in."
    )
    async def recommended(
        self, info: EngagementInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> RankedConnection:
        size = check_first(first)
        start = _offset(after)
        await _hot_ready(info)
        async with info.context.database.transaction() as session:
            picks = await recommend(
                info.context.viewer, info.context.hot, info.context.service, session
            )
        page = picks[start : start + size]
        edges = [
            RankedEdge(cursor=encode_fields("r1", start + n + 1), node=RankedItem.of(pick))
            for n, pick in enumerate(page)
        ]
        return RankedConnection(
            edges=edges,
            page_info=PageInfo.of(
                [edge.cursor for edge in edges],
                has_next_page=start + size < len(picks),
                after=after,
            ),
            total_count=len(picks),
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Like an article, answer or comment; liking twice is harmless."
    )
    async def like(self, info: EngagementInfo, target: LikeTarget) -> LikeState:
        return await _set_like(info, target, like=True)

    @strawberry.mutation(
        description="Take back your like; unliking what you do not like is harmless."
    )
    async def unlike(self, info: EngagementInfo, target: LikeTarget) -> LikeState:
        return await _set_like(info, target, like=False)

    @strawberry.mutation(
        description="Comment on an article or answer, or reply to a comment (target kind "
        "COMMENT); return the new comment."
    )
    async def comment(
        self,
        info: EngagementInfo,
        target: CommentTarget,
        body: Annotated[str, strawberry.argument(description=f"1 to {rules.BODY_MAX} characters.")],
        reply_to: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The member a reply answers (a user id)."),
        ] = None,
    ) -> Comment:
        author = info.context.require_viewer()
        kind, id_ = _target(target.kind, target.id)
        replying = require_id(reply_to, UserId, field="replyTo") if reply_to is not None else None
        if replying is not None and kind is not Kind.COMMENT:
            raise BadUserInput("Only a reply (target kind COMMENT) names replyTo.", field="replyTo")
        async with info.context.database.transaction() as session:
            view = await info.context.service.comment(
                author, kind, id_, body, replying, session=session
            )
        return Comment.of(view)

    @strawberry.mutation(
        description="Delete a comment you wrote, or one on your content; return it, deleted."
    )
    async def delete_comment(self, info: EngagementInfo, id: IdArgument) -> Comment:
        viewer = info.context.require_viewer()
        comment_id = require_id(id, CommentId, field="id")
        async with info.context.database.transaction() as session:
            view = await info.context.service.delete_comment(viewer, comment_id, session=session)
        return Comment.of(view)


async def _set_like(info: EngagementInfo, target: LikeTarget, *, like: bool) -> LikeState:
    viewer = info.context.require_viewer()
    kind, id_ = _target(target.kind, target.id)
    service = info.context.service
    async with info.context.database.transaction() as session:
        if like:
            found = await service.like(viewer, kind, id_, session=session)
        else:
            found = await service.unlike(viewer, kind, id_, session=session)
    stored = found.stored_likes
    pending = await service.pending.pending([(kind, id_)])
    return LikeState(
        kind=target.kind,
        id=strawberry.ID(str(id_)),
        like_count=max(0, stored + pending[(kind, id_)]),
        viewer_has_liked=like,
    )


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        types=[User, Article, Answer, Question, Comment],
        extensions=schema_extensions(),
        config=schema_config(),
        federation_version="2.11",
    )
