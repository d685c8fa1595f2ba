"""Following and unfollowing through GraphQL: idempotence, counts, errors and events."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from subgraphs.social.models import Follow
from tests.subgraphs.social.conftest import FOLLOW, UNFOLLOW, Social
from tests.support.graphql import error_of
from tests.support.sql import StatementCounter

ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on User { id followerCount followingCount viewerFollows followsViewer } } }"""


async def entities(social: Social, *ids: str, viewer: str | None = None) -> list[dict[str, Any]]:
    reps = [{"__typename": "User", "id": i} for i in ids]
    token = social.token(viewer) if viewer else None
    data = await social.client.data(ENTITIES, {"reps": reps}, token=token)
    found: list[dict[str, Any]] = data["_entities"]
    return found


async def count_pair(social: Social, *ids: str) -> list[tuple[int, int]]:
    """(followerCount, followingCount) of each user."""
    return [(u["followerCount"], u["followingCount"]) for u in await entities(social, *ids)]


@pytest.mark.sqlite
async def test_following_twice_changes_nothing_the_second_time(social: Social) -> None:
    ada, bob = await social.users(2)
    first = await social.follow(ada, bob)
    assert first == {"id": bob, "followerCount": 1, "viewerFollows": True}
    assert await social.follow(ada, bob) == first
    assert await count_pair(social, ada, bob) == [(0, 1), (1, 0)]
    assert await social.events(ada) == [("UserFollowed", ada, bob)]


@pytest.mark.sqlite
async def test_unfollowing_twice_changes_nothing_the_second_time(social: Social) -> None:
    ada, bob = await social.users(2)
    await social.follow(ada, bob)
    first = await social.unfollow(ada, bob)
    assert first == {"id": bob, "followerCount": 0, "viewerFollows": False}
    assert await social.unfollow(ada, bob) == first
    assert await count_pair(social, ada, bob) == [(0, 0), (0, 0)]
    assert await social.events(ada) == [
        ("UserFollowed", ada, bob),
        ("UserUnfollowed", ada, bob),
    ]


async def test_unfollowing_someone_never_followed_announces_nothing(social: Social) -> None:
    ada, bob = await social.users(2)
    assert await social.unfollow(ada, bob) == {
        "id": bob,
        "followerCount": 0,
        "viewerFollows": False,
    }
    assert await social.events(ada) == []


async def test_the_event_payload_names_both_users_and_the_time(social: Social) -> None:
    ada, bob = await social.users(2)
    await social.follow(ada, bob)
    [(event_type, payload)] = await social.outbox(ada)
    assert event_type == "UserFollowed"
    assert payload["followerId"] == int(ada)
    assert payload["followeeId"] == int(bob)
    assert datetime.fromisoformat(payload["at"]).utcoffset() is not None


async def test_counts_follow_many_users_both_ways(social: Social) -> None:
    ada, bob, cy = await social.users(3)
    await social.follow(ada, bob)
    await social.follow(ada, cy)
    await social.follow(bob, cy)
    await social.follow(cy, ada)
    assert await count_pair(social, ada, bob, cy) == [(1, 2), (1, 1), (2, 1)]
    await social.unfollow(ada, cy)
    assert await count_pair(social, ada, bob, cy) == [(1, 1), (1, 1), (1, 1)]


async def test_following_oneself_is_bad_input(social: Social) -> None:
    [ada] = await social.users(1)
    for mutation in (FOLLOW, UNFOLLOW):
        body = await social.client.execute(mutation, {"id": ada}, token=social.token(ada))
        assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "userId"}
    assert await count_pair(social, ada) == [(0, 0)]
    assert await social.events(ada) == []


@pytest.mark.parametrize("mutation", [FOLLOW, UNFOLLOW], ids=["follow", "unfollow"])
@pytest.mark.parametrize(
    ("target", "extensions"),
    [
        ("999999999999", {"code": "NOT_FOUND"}),
        ("not-an-id", {"code": "BAD_USER_INPUT", "field": "userId"}),
        ("²", {"code": "BAD_USER_INPUT", "field": "userId"}),
        ("9223372036854775808", {"code": "BAD_USER_INPUT", "field": "userId"}),
    ],
)
async def test_acting_on_an_unknown_user_is_refused(
    social: Social, mutation: str, target: str, extensions: dict[str, str]
) -> None:
    [ada] = await social.users(1)
    body = await social.client.execute(mutation, {"id": target}, token=social.token(ada))
    assert error_of(body)["extensions"] == extensions
    assert await count_pair(social, ada) == [(0, 0)]
    assert await social.events(ada) == []


async def test_following_needs_a_signed_in_user(social: Social) -> None:
    [bob] = await social.users(1)
    for mutation in (FOLLOW, UNFOLLOW):
        body = await social.client.execute(mutation, {"id": bob})
        assert error_of(body)["extensions"] == {"code": "UNAUTHENTICATED"}
    bad = await social.client.execute(FOLLOW, {"id": bob}, token="forged")
    assert error_of(bad)["extensions"] == {"code": "UNAUTHENTICATED"}
    assert await count_pair(social, bob) == [(0, 0)]


async def test_viewer_relations_are_seen_from_the_signed_in_user(social: Social) -> None:
    ada, bob, cy = await social.users(3)
    await social.follow(ada, bob)
    await social.follow(cy, ada)
    as_ada = await entities(social, bob, cy, ada, viewer=ada)
    assert [(u["viewerFollows"], u["followsViewer"]) for u in as_ada] == [
        (True, False),  # ada follows bob
        (False, True),  # cy follows ada
        (False, False),  # oneself
    ]
    anonymous = await entities(social, bob, cy)
    assert [(u["viewerFollows"], u["followsViewer"]) for u in anonymous] == [
        (False, False),
        (False, False),
    ]


async def test_one_operation_sees_each_mutation_it_makes(social: Social) -> None:
    ada, bob = await social.users(2)
    data = await social.client.data(
        """mutation($id: ID!) {
             a: follow(userId: $id) { followerCount viewerFollows }
             b: unfollow(userId: $id) { followerCount viewerFollows }
             c: follow(userId: $id) { followerCount viewerFollows } }""",
        {"id": bob},
        token=social.token(ada),
    )
    assert data == {
        "a": {"followerCount": 1, "viewerFollows": True},
        "b": {"followerCount": 0, "viewerFollows": False},
        "c": {"followerCount": 1, "viewerFollows": True},
    }


async def test_concurrent_follows_of_one_user_count_each_follower_once(social: Social) -> None:
    [star, *fans] = await social.users(6)
    await asyncio.gather(*(social.follow(fan, star) for fan in fans for _ in range(2)))
    assert await count_pair(social, star) == [(len(fans), 0)]
    async with social.runtime.database.transaction() as session:
        edges = await session.scalar(
            select(func.count()).select_from(Follow).where(Follow.followee_id == int(star))
        )
    assert edges == len(fans)
    assert sorted(await social.events(*fans)) == sorted(("UserFollowed", fan, star) for fan in fans)


async def test_users_following_each_other_at_once_do_not_deadlock(social: Social) -> None:
    users = await social.users(5)
    pairs = [(a, b) for a in users for b in users if a != b]
    await asyncio.gather(*(social.follow(a, b) for a, b in pairs))
    assert await count_pair(social, *users) == [(4, 4)] * 5
    await asyncio.gather(*(social.unfollow(a, b) for a, b in pairs))
    assert await count_pair(social, *users) == [(0, 0)] * 5


async def test_the_event_commits_with_the_edge_or_not_at_all(social: Social) -> None:
    ada, bob = await social.users(2)
    service, database = social.runtime.service, social.runtime.database
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            assert await service.follow(int(ada), int(bob), session=session)
            assert await social.events(ada) == []  # nothing is visible before the commit
            raise RuntimeError("the caller fails after following")
    assert await count_pair(social, ada, bob) == [(0, 0), (0, 0)]
    assert await social.events(ada) == []
    async with database.transaction() as session:
        assert await service.follow(int(ada), int(bob), session=session)
    assert await count_pair(social, ada, bob) == [(0, 1), (1, 0)]
    assert await social.events(ada) == [("UserFollowed", ada, bob)]


async def test_fields_of_many_users_take_one_statement_each(social: Social) -> None:
    [viewer, *users] = await social.users(10)
    await social.follow(viewer, users[0])
    await social.follow(users[1], viewer)
    with StatementCounter(social.runtime.database.engine) as counter:
        found = await entities(social, *users, viewer=viewer)
    assert counter.count == 2  # the counters of all users, the viewer's edges with all of them
    assert [(u["viewerFollows"], u["followsViewer"]) for u in found[:3]] == [
        (True, False),
        (False, True),
        (False, False),
    ]
