"""The engagement subgraph: ``EngagementItem`` and its author, a ``User`` by key from accounts."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from shared.graphql.app import schema_extensions
from shared.graphql.ids import parse_typed
from shared.ids import UserId
from subgraphs.engagement.context import EngagementContext
from subgraphs.engagement.service import EngagementItemId, EngagementItemView

EngagementInfo = Info[EngagementContext, None]


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User:
    id: strawberry.ID

    @classmethod
    def of(cls, user_id: UserId) -> User:
        return cls(id=strawberry.ID(str(user_id)))


@strawberry.federation.type(keys=["id"], description="An item of engagement.")
class EngagementItem:
    id: strawberry.ID
    title: str
    created_at: datetime
    view: strawberry.Private[EngagementItemView]

    @classmethod
    def of(cls, view: EngagementItemView) -> EngagementItem:
        return cls(
            id=strawberry.ID(str(view.id)),
            title=view.title,
            created_at=view.created_at,
            view=view,
        )

    @classmethod
    async def resolve_reference(cls, info: EngagementInfo, id: strawberry.ID) -> EngagementItem | None:
        item_id = parse_typed(id, EngagementItemId)
        view = await info.context.loaders.items.load(item_id) if item_id is not None else None
        return cls.of(view) if view else None

    @strawberry.field(description="Who wrote it.")
    def author(self) -> User:
        return User.of(self.view.author_id)


@strawberry.type
class Query:
    @strawberry.field(description="An item by id, or null if there is none.")
    async def engagement_item(self, info: EngagementInfo, id: strawberry.ID) -> EngagementItem | None:
        return await EngagementItem.resolve_reference(info, id)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create an item (title: 1 to 100 characters) and return it.")
    async def create_engagement_item(self, info: EngagementInfo, title: str) -> EngagementItem:
        author = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            view = await info.context.service.create(author, title, session=session)
        return EngagementItem.of(view)


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        query=Query,
        mutation=Mutation,
        types=[User, EngagementItem],
        extensions=schema_extensions(),
        federation_version="2.11",
    )
