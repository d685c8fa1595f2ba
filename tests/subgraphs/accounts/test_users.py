"""Reading users: by id, in batches, as federation entities; changing one's profile."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.subgraphs.accounts.conftest import Accounts
from tests.support.graphql import error_of
from tests.support.sql import StatementCounter

UPDATE = """mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { id nickname bio avatar } }"""
ENTITIES = """query($reps: [_Any!]!) {
  _entities(representations: $reps) { ... on User { id nickname } } }"""


@pytest.mark.sqlite
async def test_update_profile_changes_only_what_is_given(accounts: Accounts) -> None:
    user = await accounts.register()
    token = user["accessToken"]
    data = await accounts.client.data(
        UPDATE,
        {"input": {"bio": "  Likes math.  ", "avatar": "https://img.example/a.png"}},
        token=token,
    )
    assert data["updateProfile"] == {
        "id": user["user"]["id"],
        "nickname": "Newcomer",
        "bio": "Likes math.",
        "avatar": "https://img.example/a.png",
    }
    cleared = await accounts.client.data(UPDATE, {"input": {"avatar": None}}, token=token)
    assert cleared["updateProfile"]["avatar"] is None
    assert cleared["updateProfile"]["bio"] == "Likes math."


async def test_update_profile_needs_a_signed_in_user(accounts: Accounts) -> None:
    body = await accounts.client.execute(UPDATE, {"input": {"bio": "hi"}})
    assert error_of(body)["extensions"] == {"code": "UNAUTHENTICATED"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"nickname": "x" * 21}, "nickname"),
        ({"nickname": "   "}, "nickname"),
        ({"nickname": None}, "nickname"),
        ({"bio": "b" * 281}, "bio"),
        ({"avatar": "javascript:alert(1)"}, "avatar"),
        ({"avatar": "http://[::1"}, "avatar"),
        ({"avatar": "https://[not-an-address]/a.png"}, "avatar"),
        ({"avatar": "https://img.example:99999/a.png"}, "avatar"),
    ],
)
async def test_bad_profile_input_names_the_field(
    accounts: Accounts, changes: dict[str, object], field: str
) -> None:
    user = await accounts.register()
    body = await accounts.client.execute(UPDATE, {"input": changes}, token=user["accessToken"])
    assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


async def test_a_profile_change_is_visible_right_after_it_commits(accounts: Accounts) -> None:
    user = await accounts.register()
    query = "query($id: ID!) { user(id: $id) { nickname } }"
    before = await accounts.client.data(query, {"id": user["user"]["id"]})  # now cached
    assert before["user"]["nickname"] == "Newcomer"
    await accounts.client.data(
        UPDATE, {"input": {"nickname": "Renamed"}}, token=user["accessToken"]
    )
    after = await accounts.client.data(query, {"id": user["user"]["id"]})
    assert after["user"]["nickname"] == "Renamed"


async def test_only_the_owner_sees_the_mobile(accounts: Accounts) -> None:
    owner = await accounts.register()
    other = await accounts.register()
    query = "query($id: ID!) { user(id: $id) { mobile } }"
    mine = await accounts.client.data(
        query, {"id": owner["user"]["id"]}, token=owner["accessToken"]
    )
    assert mine["user"]["mobile"] == f"{owner['mobile'][:3]}****{owner['mobile'][-4:]}"
    theirs = await accounts.client.data(
        query, {"id": owner["user"]["id"]}, token=other["accessToken"]
    )
    assert theirs["user"]["mobile"] is None
    anonymous = await accounts.client.data(query, {"id": owner["user"]["id"]})
    assert anonymous["user"]["mobile"] is None


async def test_unknown_users_are_null(accounts: Accounts) -> None:
    data = await accounts.client.data('{ user(id: "999999999") { id } }')
    assert data == {"user": None}


@pytest.mark.parametrize(
    "raw", ["abc", "²", "٣", "+1", "0", "9223372036854775808", "9" * 30, "1" * 100_000]
)
async def test_an_id_that_is_not_one_is_bad_input(accounts: Accounts, raw: str) -> None:
    body = await accounts.client.execute("query($id: ID!) { user(id: $id) { id } }", {"id": raw})
    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "id"}
    listed = await accounts.client.execute(
        "query($ids: [ID!]!) { users(ids: $ids) { id } }", {"ids": ["1", raw]}
    )
    assert error_of(listed)["extensions"] == {"code": "BAD_USER_INPUT", "field": "ids"}


async def test_the_largest_id_is_read_and_not_found(accounts: Accounts) -> None:
    data = await accounts.client.data('{ user(id: "9223372036854775807") { id } }')
    assert data == {"user": None}


async def test_a_representation_with_an_odd_id_names_no_entity(accounts: Accounts) -> None:
    reps = [{"__typename": "User", "id": raw} for raw in ("²", "9223372036854775808", "-3")]
    data = await accounts.client.data(ENTITIES, {"reps": reps})
    assert data["_entities"] == [None, None, None]


async def test_users_keeps_order_and_nulls_the_unknown(accounts: Accounts) -> None:
    a, b = await accounts.register(), await accounts.register()
    ids = [b["user"]["id"], "999999999", a["user"]["id"]]
    data = await accounts.client.data(
        "query($ids: [ID!]!) { users(ids: $ids) { id } }", {"ids": ids}
    )
    assert data["users"] == [{"id": ids[0]}, None, {"id": ids[2]}]


async def test_users_refuses_more_than_a_hundred_ids(accounts: Accounts) -> None:
    ids = [str(i) for i in range(101)]
    body = await accounts.client.execute(
        "query($ids: [ID!]!) { users(ids: $ids) { id } }", {"ids": ids}
    )
    assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "ids"}


async def test_many_entities_are_read_in_one_sql_statement(accounts: Accounts) -> None:
    users = [await accounts.register() for _ in range(5)]
    reps = [{"__typename": "User", "id": u["user"]["id"]} for u in users]
    reps.append({"__typename": "User", "id": "999999999"})
    redis = accounts.runtime.redis
    cached = [k async for k in redis.scan_iter(match=f"{accounts.settings.redis_prefix}*:user:*")]
    if cached:  # a cold cache, so every user comes from the database
        await redis.delete(*cached)
    with StatementCounter(accounts.runtime.database.engine) as counter:
        data = await accounts.client.data(ENTITIES, {"reps": reps})
    assert counter.count == 1
    assert [e and e["id"] for e in data["_entities"]] == [u["user"]["id"] for u in users] + [None]
    with StatementCounter(accounts.runtime.database.engine) as warm:
        again = await accounts.client.data(ENTITIES, {"reps": reps})
    assert warm.count == 0  # found, and not-found, answers both come from the cache now
    assert again == data


async def test_personal_data_is_not_stored_in_clear(accounts: Accounts) -> None:
    user = await accounts.register(password="secret4real")
    async with accounts.runtime.database.engine.connect() as connection:
        row = (
            (
                await connection.execute(
                    text("SELECT * FROM users WHERE id = :id"), {"id": int(user["user"]["id"])}
                )
            )
            .one()
            ._mapping
        )
    stored = " ".join(
        value.decode("latin-1") if isinstance(value, bytes) else str(value)
        for value in row.values()
    )
    assert user["mobile"] not in stored
    assert user["mobile"][3:] not in stored
    assert "secret4real" not in stored
    assert row["password_hash"].startswith("$argon2id$")


async def test_probing_the_next_id_does_not_hide_the_account_created_there(
    accounts: Accounts,
) -> None:
    first = await accounts.register()
    following = str(int(first["user"]["id"]) + 1)
    query = "query($id: ID!) { user(id: $id) { id } }"
    assert (await accounts.client.data(query, {"id": following}))["user"] is None  # cached
    second = await accounts.register()
    assert second["user"]["id"] == following
    me = await accounts.client.data("{ me { id } }", token=second["accessToken"])
    assert me["me"] == {"id": following}
    assert (await accounts.client.data(query, {"id": following}))["user"] == {"id": following}
