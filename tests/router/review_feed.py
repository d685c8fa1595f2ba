"""A two-subgraph graph for federated subscriptions, written with strawberry.federation.

``reviews`` owns the subscriptions: ``reviewAdded(ids)`` sends the given
reviews in order (their ``author`` is a bare ``User`` key), ``counter(to)``
counts and completes, ``ticks(tag, every)`` never ends on its own (the tag
lets a test see its generator closed; a long ``every`` makes sure it was
closed for the test's reason, not at its next tick), ``whoami`` sends the ``connection_init``
payload and upgrade ``authorization`` the subgraph received; ``Probe.connections``
records the payload of every WebSocket it accepted. It refuses a
WebSocket whose payload carries ``Bearer forbidden`` (close 4403).
``accounts`` owns ``User``: ``name`` is non-null and fails for user 2, so an
event by that user gets an error at its path and a null ``author``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from typing import Any, ClassVar

import strawberry
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.types import Info

REVIEWS = {
    "r1": ("Love it!", "1"),
    "r2": ("Meh.", "2"),
    "r3": ("Could be softer.", "3"),
    "r4": ("Wobbly.", "1"),
}
NAMES = {"1": "Ada", "2": "Alan", "3": "Grace"}
FORBIDDEN_TOKEN = "Bearer forbidden"


class Probe:
    """What the reviews subgraph's subscriptions went through, for the tests to check."""

    opened: ClassVar[set[str]] = set()
    closed: ClassVar[set[str]] = set()
    # The connection_init payload of every WebSocket the reviews subgraph accepted.
    connections: ClassVar[list[dict[str, Any]]] = []


# reviews ----------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="User")
class Author:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class Review:
    id: strawberry.ID
    body: str
    author: Author | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Review:
        body, author = REVIEWS[id]
        return Review(id=id, body=body, author=Author(id=strawberry.ID(author)))


@strawberry.type
class ReviewsQuery:
    @strawberry.field
    def top_review(self) -> Review:
        return Review.resolve_reference(strawberry.ID("r1"))


@strawberry.type
class ReviewsSubscription:
    @strawberry.subscription
    async def review_added(self, ids: list[strawberry.ID]) -> AsyncGenerator[Review, None]:
        for id in ids:
            yield Review.resolve_reference(id)

    @strawberry.subscription
    async def counter(self, to: int) -> AsyncGenerator[int, None]:
        for n in range(1, to + 1):
            yield n

    @strawberry.subscription
    async def ticks(self, tag: str, every: float = 0.02) -> AsyncGenerator[int, None]:
        Probe.opened.add(tag)
        try:
            n = 0
            while True:
                n += 1
                yield n
                await asyncio.sleep(every)
        finally:
            Probe.closed.add(tag)

    @strawberry.subscription
    async def whoami(self, info: Info) -> AsyncGenerator[str, None]:
        upgrade = info.context["request"].headers.get("authorization")
        seen = {"payload": info.context.get("connection_params"), "upgrade": upgrade}
        yield json.dumps(seen, sort_keys=True)


class ReviewsApp(GraphQL[Any, Any]):
    async def on_ws_connect(self, context: dict[str, Any]) -> None:
        params = context.get("connection_params") or {}
        if params.get("authorization") == FORBIDDEN_TOKEN:
            raise ConnectionRejectionError()
        Probe.connections.append(dict(params))


# accounts ---------------------------------------------------------------------


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID

    @strawberry.field
    def name(self) -> str:
        if self.id == "2":
            raise PermissionError("the name of user 2 is hidden")
        return NAMES[self.id]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return User(id=id)


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def user(self, id: strawberry.ID) -> User:
        return User(id=id)


SCHEMAS = {
    "accounts": strawberry.federation.Schema(
        query=AccountsQuery, types=[User], federation_version="2.7"
    ),
    "reviews": strawberry.federation.Schema(
        query=ReviewsQuery,
        subscription=ReviewsSubscription,
        types=[Review, Author],
        federation_version="2.7",
    ),
}


def review_feed_apps() -> dict[str, Any]:
    return {"accounts": GraphQL(SCHEMAS["accounts"]), "reviews": ReviewsApp(SCHEMAS["reviews"])}
