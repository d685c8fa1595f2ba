"""A two-subgraph journal graph for ``@requires`` selections with arguments.

``entries`` serves the ``feed`` of posts with each post's ``title`` and its
``words(language:)`` count (a required argument), and each comment's
``authorId``. ``threads`` lists a post's ``comments(limit:)`` itself (ids
only) and names the ``thirdCommenter``, which requires ``comments(limit: 3) {
authorId }``: its own field, with an argument, holding a field only
``entries`` answers. ``readingMinutes`` requires ``words(language: "en")
title``.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

TITLES = {"p1": "Spring", "p2": "Autumn"}
WORDS = {("p1", "en"): 900, ("p1", "fr"): 1000, ("p2", "en"): 300, ("p2", "fr"): 350}
# comment id → (post id, author id), in each post's order
COMMENTS = {
    "c1": ("p1", "a1"),
    "c2": ("p1", "a2"),
    "c3": ("p1", "a3"),
    "c4": ("p1", "a1"),
    "c5": ("p2", "a3"),
    "c6": ("p2", "a3"),
    "c7": ("p2", "a2"),
}
AUTHORS = {"a1": "Ines", "a2": "Omar", "a3": "Yuki"}
WORDS_PER_MINUTE = 150


@strawberry.federation.type(keys=["id"], name="Comment")
class WrittenComment:
    id: strawberry.ID
    author_id: strawberry.ID | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> WrittenComment:
        return WrittenComment(id=id, author_id=strawberry.ID(COMMENTS[id][1]))


@strawberry.federation.type(keys=["id"], name="Post")
class WrittenPost:
    id: strawberry.ID

    @strawberry.field
    def title(self) -> str | None:
        return TITLES[self.id]

    @strawberry.field
    def words(self, language: str) -> int | None:
        return WORDS[(self.id, language)]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> WrittenPost:
        return WrittenPost(id=id)


@strawberry.type
class EntriesQuery:
    @strawberry.field
    def feed(self) -> list[WrittenPost]:
        return [WrittenPost(id=strawberry.ID(post)) for post in TITLES]


@strawberry.type
class Author:
    id: strawberry.ID
    name: str


@strawberry.federation.type(keys=["id"], name="Comment")
class ThreadComment:
    id: strawberry.ID
    author_id: strawberry.ID | None = strawberry.federation.field(external=True, default=None)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ThreadComment:
        return ThreadComment(id=id)


@strawberry.federation.type(keys=["id"], name="Post")
class ThreadPost:
    id: strawberry.ID
    sent: strawberry.Private[dict[str, Any]]
    title: str | None = strawberry.federation.field(external=True, default=None)

    @strawberry.federation.field(external=True)
    def words(self, language: str) -> int | None:
        return None

    @strawberry.field
    def comments(self, limit: int) -> list[ThreadComment]:
        ids = [comment for comment, (post, _) in COMMENTS.items() if post == self.id]
        return [ThreadComment(id=strawberry.ID(comment)) for comment in ids[:limit]]

    @strawberry.federation.field(requires=["comments(limit: 3) { authorId }"])
    def third_commenter(self) -> Author | None:
        comments = self.sent["comments"]
        assert len(comments) == 3, comments
        author = comments[2]["authorId"]
        return Author(id=author, name=AUTHORS[author])

    @strawberry.federation.field(requires=['words(language: "en") title'])
    def reading_minutes(self) -> str:
        return f"{self.sent['title']}: {self.sent['words'] // WORDS_PER_MINUTE} min"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **sent: Any) -> ThreadPost:
        return ThreadPost(id=id, sent=sent)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "entries": federated_schema(EntriesQuery, [WrittenPost, WrittenComment]),
    "threads": federated_schema(None, [ThreadPost, ThreadComment]),
}


def journal_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
