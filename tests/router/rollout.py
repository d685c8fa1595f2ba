"""A two-subgraph graph for progressive ``@override`` labels.

``legacy`` owns ``Item`` and answers ``rating`` and ``stars`` itself (always
1); ``ratings`` takes both over behind labels and answers 5: ``rating``
behind ``percent(50)`` (rolled per request), ``stars`` behind the plain label
``use-ratings`` (on only when the router configuration switches it on). The
answer tells which subgraph served the field.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.asgi import GraphQL
from strawberry.federation.schema_directives import Override

ITEM_IDS = ("i1", "i2")


@strawberry.federation.type(keys=["id"])
class Item:
    id: strawberry.ID
    rating: int = 1
    stars: int = 1

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Item:
        return Item(id=id)


@strawberry.type
class LegacyQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(id=strawberry.ID(i)) for i in ITEM_IDS]


@strawberry.federation.type(keys=["id"], name="Item")
class RatedItem:
    id: strawberry.ID
    rating: int = strawberry.federation.field(
        default=5, override=Override(override_from="legacy", label="percent(50)")
    )
    stars: int = strawberry.federation.field(
        default=5, override=Override(override_from="legacy", label="use-ratings")
    )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> RatedItem:
        return RatedItem(id=id)


@strawberry.type
class RatingsQuery:
    @strawberry.field
    def top_rating(self) -> int:
        return 5


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "legacy": strawberry.federation.Schema(
        query=LegacyQuery, types=[Item], federation_version="2.7"
    ),
    "ratings": strawberry.federation.Schema(
        query=RatingsQuery, types=[RatedItem], federation_version="2.7"
    ),
}


def rollout_apps() -> dict[str, Any]:
    return {name: GraphQL(schema) for name, schema in SCHEMAS.items()}
