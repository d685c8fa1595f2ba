"""Two subgraphs sharing a field one of them claims to override from a subgraph that does not exist.

``desk`` and ``press`` both resolve ``Post.stamp`` (shareable); ``press``
marks it ``@override(from: "archive")``, but there is no ``archive``
subgraph, so the override takes nothing from anyone: ``desk`` still
resolves ``stamp`` for the posts it lists, without asking ``press``.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

POSTS = {"p1": "2024-03-01", "p2": "2024-03-02"}


def _posts(cls: Any, ids: list[str]) -> list[Any]:
    return [cls(id=strawberry.ID(id), stamp=POSTS[id]) for id in ids]


@strawberry.federation.type(keys=["id"], name="Post")
class DeskPost:
    id: strawberry.ID
    stamp: str = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> DeskPost:
        return DeskPost(id=id, stamp=POSTS[id])


@strawberry.type
class DeskQuery:
    @strawberry.federation.field(shareable=True)
    def feed(self) -> list[DeskPost | None]:
        return _posts(DeskPost, list(POSTS))

    @strawberry.field
    def desk_feed(self) -> list[DeskPost | None]:
        return _posts(DeskPost, ["p2"])


@strawberry.federation.type(keys=["id"], name="Post")
class PressPost:
    id: strawberry.ID
    stamp: str = strawberry.federation.field(shareable=True, override="archive")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PressPost:
        return PressPost(id=id, stamp=POSTS[id])


@strawberry.type
class PressQuery:
    @strawberry.federation.field(shareable=True)
    def feed(self) -> list[PressPost | None]:
        return _posts(PressPost, list(POSTS))

    @strawberry.field
    def press_feed(self) -> list[PressPost | None]:
        return _posts(PressPost, ["p1"])


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "desk": federated_schema(DeskQuery, [DeskPost]),
    "press": federated_schema(PressQuery, [PressPost]),
}


def newsdesk_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
