"""A three-subgraph newsroom for ``@provides``, written with strawberry.federation.

``people`` owns ``User`` (``name`` is shareable) and ``articles`` owns the
stories ``Article`` and ``Video`` (``title`` is shareable), both behind the
interface ``Story``. ``comments`` provides some of them on some paths:
``Comment.author @provides(fields: "name")`` but not ``Comment.editor``;
``Query.pinned: [Story] @provides`` the title of both kinds of story (a
``@provides`` with type conditions on an interface), ``Query.latest:
[Content]`` (a union) only an article's title.

``comments`` keeps its own copies of what it provides: the name a person
signed with and the headline a story had when it was pinned, which no longer
match what ``people`` and ``articles`` hold now. So an answer shows which
subgraph each value came from.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

PEOPLE = {"u1": ("Ada King", "ada"), "u2": ("Grace Hopper", "grace")}
SIGNATURES = {"u1": "Ada Lovelace", "u2": "Grace Murray"}
STORIES = {
    "a1": ("Federation at scale", 1200),
    "a2": ("Planning queries", 800),
    "v1": ("Routers explained", 12),
}
HEADLINES = {"a1": "Scaling federation", "a2": "Query plans 101", "v1": "Routers in 5 minutes"}
COMMENTS = [("c1", "Sharp and clear.", "u1", "u2"), ("c2", "Needs a diagram.", "u2", "u1")]


# people -----------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str = strawberry.federation.field(shareable=True)
    handle: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        name, handle = PEOPLE[id]
        return User(id=id, name=name, handle=handle)


@strawberry.type
class PeopleQuery:
    @strawberry.field
    def people(self) -> list[User]:
        return [User.resolve_reference(strawberry.ID(i)) for i in PEOPLE]


# articles ---------------------------------------------------------------------


@strawberry.interface(name="Story")
class Story:
    id: strawberry.ID
    title: str


@strawberry.federation.type(keys=["id"])
class Article(Story):
    title: str = strawberry.federation.field(shareable=True)
    words: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Article:
        title, words = STORIES[id]
        return Article(id=id, title=title, words=words)


@strawberry.federation.type(keys=["id"])
class Video(Story):
    title: str = strawberry.federation.field(shareable=True)
    minutes: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Video:
        title, minutes = STORIES[id]
        return Video(id=id, title=title, minutes=minutes)


@strawberry.type
class ArticlesQuery:
    @strawberry.field
    def articles(self) -> list[Article]:
        return [Article.resolve_reference(strawberry.ID(i)) for i in STORIES if i[0] == "a"]


# comments ---------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="User")
class Signer:
    id: strawberry.ID
    name: str = strawberry.federation.field(external=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Signer:
        return Signer(id=id, name=SIGNATURES[id])


@strawberry.type
class Comment:
    id: strawberry.ID
    body: str
    author_id: strawberry.Private[str]
    editor_id: strawberry.Private[str]

    @strawberry.federation.field(provides=["name"])
    def author(self) -> Signer:
        return Signer.resolve_reference(strawberry.ID(self.author_id))

    @strawberry.field
    def editor(self) -> Signer:
        return Signer.resolve_reference(strawberry.ID(self.editor_id))


@strawberry.interface(name="Story")
class PinnedStory:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Article")
class PinnedArticle(PinnedStory):
    title: str = strawberry.federation.field(external=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PinnedArticle:
        return PinnedArticle(id=id, title=HEADLINES[id])


@strawberry.federation.type(keys=["id"], name="Video")
class PinnedVideo(PinnedStory):
    title: str = strawberry.federation.field(external=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PinnedVideo:
        return PinnedVideo(id=id, title=HEADLINES[id])


Content = Annotated[PinnedArticle | PinnedVideo, strawberry.union("Content")]


def _pinned(story_id: str) -> PinnedArticle | PinnedVideo:
    kind = PinnedArticle if story_id.startswith("a") else PinnedVideo
    return kind.resolve_reference(strawberry.ID(story_id))


@strawberry.type
class CommentsQuery:
    @strawberry.field
    def comments(self) -> list[Comment]:
        return [
            Comment(id=strawberry.ID(c), body=body, author_id=author, editor_id=editor)
            for c, body, author, editor in COMMENTS
        ]

    @strawberry.federation.field(provides=["... on Article { title } ... on Video { title }"])
    def pinned(self) -> list[PinnedStory]:
        return [_pinned("a1"), _pinned("v1")]

    @strawberry.federation.field(provides=["... on Article { title }"])
    def latest(self) -> list[Content]:
        return [_pinned("v1"), _pinned("a2")]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "people": federated_schema(PeopleQuery, [User]),
    "articles": federated_schema(ArticlesQuery, [Article, Video]),
    "comments": federated_schema(CommentsQuery, [Signer, PinnedArticle, PinnedVideo]),
}


def newsroom_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
