"""The social subgraph: follow lists and counts on ``User``, and ``follow``/``unfollow``.

``User`` belongs to accounts; this subgraph declares only its key and the fields
it adds, and the router joins the rest. ``follow``/``unfollow`` return the user
acted on, so a client can read the new ``followerCount`` and ``viewerFollows``
(and, through the router, any accounts field) in the same round trip.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from operator import attrgetter
from typing import Annotated

import strawberry
from strawberry.types import Info

from shared.graphql.app import schema_extensions
from shared.graphql.arguments import After, First
from shared.graphql.connections import PageInfo
from shared.graphql.ids import require_id
from shared.graphql.scalars import schema_config
from shared.graphql.users import UserKey
from shared.ids import UserId
from shared.pagination import (
    DEFAULT_FIRST,
    Position,
    check_first,
    decode_cursor,
    encode_cursor,
)
from subgraphs.social.context import SocialContext
from subgraphs.social.service import Counts, Direction, Pair

SocialInfo = Info[SocialContext, None]


@strawberry.federation.type(keys=["id"], description="A member of the community.")
class User(UserKey):
    @strawberry.field(description="How many users follow this one.")
    async def follower_count(self, info: SocialInfo) -> int:
        return (await info.context.loaders.counts.load(self.user_id)).followers

    @strawberry.field(description="How many users this one follows.")
    async def following_count(self, info: SocialInfo) -> int:
        return (await info.context.loaders.counts.load(self.user_id)).following

    @strawberry.field(description="Users who follow this one, most recent first.")
    async def followers(
        self, info: SocialInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> UserConnection:
        return await UserConnection.load(
            info, self.user_id, first, after, Direction.FOLLOWERS, attrgetter("followers")
        )

    @strawberry.field(description="Users this one follows, most recently followed first.")
    async def following(
        self, info: SocialInfo, first: First = DEFAULT_FIRST, after: After = None
    ) -> UserConnection:
        return await UserConnection.load(
            info, self.user_id, first, after, Direction.FOLLOWING, attrgetter("following")
        )

    @strawberry.field(
        description="Whether the signed-in user follows this one; false when signed out."
    )
    async def viewer_follows(self, info: SocialInfo) -> bool:
        return await _viewer_edge(info, lambda viewer: (viewer, self.user_id))

    @strawberry.field(
        description="Whether this user follows the signed-in one; false when signed out."
    )
    async def follows_viewer(self, info: SocialInfo) -> bool:
        return await _viewer_edge(info, lambda viewer: (self.user_id, viewer))


async def _viewer_edge(info: SocialInfo, edge: Callable[[UserId], Pair]) -> bool:
    """Whether the edge ``edge(viewer)`` exists; false without a signed-in viewer."""
    viewer = info.context.viewer
    return viewer is not None and await info.context.loaders.edges.load(edge(viewer))


@strawberry.type(description="One user in a follow list.")
class UserEdge:
    cursor: str
    node: User


@strawberry.type(description="A page of a follow list.")
class UserConnection:
    edges: list[UserEdge]
    page_info: PageInfo
    owner_id: strawberry.Private[UserId]
    count_of: strawberry.Private[Callable[[Counts], int]]

    @strawberry.field(description="How many users the whole list holds.")
    async def total_count(self, info: SocialInfo) -> int:
        return self.count_of(await info.context.loaders.counts.load(self.owner_id))

    @classmethod
    async def load(
        cls,
        info: SocialInfo,
        owner_id: UserId,
        first: int | None,
        after: str | None,
        direction: Direction,
        count_of: Callable[[Counts], int],
    ) -> UserConnection:
        size = check_first(first)
        position: Position | None = decode_cursor(after) if after is not None else None
        page = await info.context.loaders.pages.load((direction, owner_id, size, position))
        edges = [
            UserEdge(cursor=encode_cursor(edge.position), node=User.of(edge.user_id))
            for edge in page.edges
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of(
                [edge.cursor for edge in edges], has_next_page=page.has_next_page, after=after
            ),
            owner_id=owner_id,
            count_of=count_of,
        )


UserIdArgument = Annotated[strawberry.ID, strawberry.argument(description="The user's id.")]
Act = Callable[..., Awaitable[bool]]


async def _act(info: SocialInfo, user_id: strawberry.ID, act: Act) -> User:
    """Run ``follow`` or ``unfollow`` for the viewer and return the user acted on."""
    viewer = info.context.require_viewer()
    target = require_id(user_id, UserId, field="userId")
    async with info.context.database.transaction() as session:
        await act(viewer, target, session=session)
    # The request's loaders may remember this pair from before the change.
    info.context.loaders.counts.clear(viewer).clear(target)
    info.context.loaders.edges.clear((viewer, target)).clear((target, viewer))
    return User.of(target)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Follow a user and return them. Following someone already followed "
        "succeeds and changes nothing. NOT_FOUND for an unknown user; BAD_USER_INPUT for "
        "oneself."
    )
    async def follow(self, info: SocialInfo, user_id: UserIdArgument) -> User:
        return await _act(info, user_id, info.context.service.follow)

    @strawberry.mutation(
        description="Stop following a user and return them. Unfollowing someone not "
        "followed succeeds and changes nothing. NOT_FOUND for an unknown user; BAD_USER_INPUT for "
        "oneself."
    )
    async def unfollow(self, info: SocialInfo, user_id: UserIdArgument) -> User:
        return await _act(info, user_id, info.context.service.unfollow)


def build_schema() -> strawberry.federation.Schema:
    return strawberry.federation.Schema(
        mutation=Mutation,
        types=[User],
        extensions=schema_extensions(),
        config=schema_config(),
        federation_version="2.11",
    )
