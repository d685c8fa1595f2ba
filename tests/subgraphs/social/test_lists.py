"""Follow lists: keyset pages with opaque cursors, the ``first`` cap, and batched reads."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.subgraphs.social.conftest import Social
from tests.support.graphql import error_of
from tests.support.sql import StatementCounter

FOLLOWERS = """query($id: _Any!, $first: Int, $after: String) {
  _entities(representations: [$id]) { ... on User {
    followers(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } } } }"""
FOLLOWING = FOLLOWERS.replace("followers(", "following(")


async def page(
    social: Social,
    user: str,
    first: int | None = None,
    after: str | None = None,
    query: str = FOLLOWERS,
) -> dict[str, Any]:
    variables: dict[str, Any] = {"id": {"__typename": "User", "id": user}, "after": after}
    if first is not None:
        variables["first"] = first
    data = await social.client.data(query, variables)
    entity: dict[str, Any] = data["_entities"][0]
    return next(iter(entity.values()))  # type: ignore[no-any-return]


def ids(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in connection["edges"]]


@pytest.mark.sqlite
async def test_followers_page_newest_first_to_the_end(social: Social) -> None:
    [star, *fans] = await social.users(6)
    for fan in fans:
        await social.follow(fan, star)
    newest_first = fans[::-1]
    seen: list[str] = []
    after = None
    for expected_has_next in (True, True, False):
        connection = await page(social, star, first=2, after=after)
        assert connection["totalCount"] == 5
        assert connection["pageInfo"]["hasNextPage"] is expected_has_next
        assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
        seen += ids(connection)
        after = connection["pageInfo"]["endCursor"]
    assert seen == newest_first


async def test_following_lists_the_most_recently_followed_first(social: Social) -> None:
    [fan, *stars] = await social.users(4)
    for star in stars:
        await social.follow(fan, star)
    connection = await page(social, fan, query=FOLLOWING)
    assert ids(connection) == stars[::-1]
    assert connection["totalCount"] == 3
    assert connection["pageInfo"]["hasNextPage"] is False


async def test_an_empty_list_has_no_end_cursor(social: Social) -> None:
    [loner] = await social.users(1)
    connection = await page(social, loner)
    assert connection == {
        "totalCount": 0,
        "pageInfo": {"hasNextPage": False, "endCursor": None},
        "edges": [],
    }


async def test_a_cursor_keeps_its_place_when_new_followers_arrive(social: Social) -> None:
    [star, *fans] = await social.users(5)
    for fan in fans:
        await social.follow(fan, star)
    first = await page(social, star, first=2)
    [newcomer] = await social.users(1)
    await social.follow(newcomer, star)
    rest = await page(social, star, first=10, after=first["pageInfo"]["endCursor"])
    assert ids(rest) == fans[:2][::-1]  # no repeats, nothing skipped, newcomer not here


async def test_unfollowing_removes_the_user_from_the_list(social: Social) -> None:
    [star, ada, bob] = await social.users(3)
    await social.follow(ada, star)
    await social.follow(bob, star)
    await social.unfollow(ada, star)
    connection = await page(social, star)
    assert ids(connection) == [bob]
    assert connection["totalCount"] == 1


@pytest.mark.parametrize("first", [101, -1])
async def test_first_is_capped_at_a_hundred(social: Social, first: int) -> None:
    [star] = await social.users(1)
    variables = {"id": {"__typename": "User", "id": star}, "first": first}
    body = await social.client.execute(FOLLOWERS, variables)
    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert "100" in error["message"]


async def test_a_hundred_is_allowed_and_twenty_is_the_default(social: Social) -> None:
    [star, *fans] = await social.users(22)
    for fan in fans:
        await social.follow(fan, star)
    assert len(ids(await page(social, star))) == 20
    assert len(ids(await page(social, star, first=100))) == 21


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        base64.urlsafe_b64encode(b"v1|yesterday|3").decode(),
        base64.urlsafe_b64encode(b"v2|2026-01-01T00:00:00+00:00|3").decode(),
        base64.urlsafe_b64encode(b"v1|2026-01-01T00:00:00|3").decode(),
        "",
    ],
)
async def test_a_malformed_cursor_is_bad_input(social: Social, cursor: str) -> None:
    [star] = await social.users(1)
    variables = {"id": {"__typename": "User", "id": star}, "after": cursor}
    body = await social.client.execute(FOLLOWERS, variables)
    assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def test_statements_do_not_grow_with_the_page_size(social: Social) -> None:
    [star, viewer, *fans] = await social.users(12)
    for fan in fans:
        await social.follow(fan, star)
    await social.follow(viewer, fans[0])
    query = """query($id: _Any!, $first: Int) { _entities(representations: [$id]) {
      ... on User { followerCount followingCount viewerFollows followsViewer
        followers(first: $first) { totalCount edges { node {
          id followerCount followingCount viewerFollows followsViewer } } } } } }"""

    async def statements(first: int) -> int:
        variables = {"id": {"__typename": "User", "id": star}, "first": first}
        with StatementCounter(social.runtime.database.engine) as counter:
            data = await social.client.data(query, variables, token=social.token(viewer))
        assert len(data["_entities"][0]["followers"]["edges"]) == first
        return counter.count

    small, large = await statements(1), await statements(10)
    assert small == large
    # The user's counts and edges, the page, then the counts and edges of all its users.
    assert large == 5


async def test_nested_follow_lists_cost_one_statement_per_level(social: Social) -> None:
    [star, *fans] = await social.users(11)
    for fan in fans:
        await social.follow(fan, star)
        await social.follow(star, fan)
    query = """query($id: _Any!, $first: Int) { _entities(representations: [$id]) {
      ... on User { followers(first: $first) { edges { node {
        following(first: 3) { edges { node { id } } }
        followers(first: 3) { edges { node { id } } } } } } } } }"""

    async def statements(first: int) -> tuple[int, list[Any]]:
        variables = {"id": {"__typename": "User", "id": star}, "first": first}
        with StatementCounter(social.runtime.database.engine) as counter:
            data = await social.client.data(query, variables)
        return counter.count, data["_entities"][0]["followers"]["edges"]

    (small, _), (large, edges) = await statements(1), await statements(10)
    assert small == large == 2  # the star's page, then every fan's two lists in one statement
    assert len(edges) == 10
    assert all(e["node"]["following"]["edges"][0]["node"]["id"] == star for e in edges)
    assert all(e["node"]["followers"]["edges"][0]["node"]["id"] == star for e in edges)
