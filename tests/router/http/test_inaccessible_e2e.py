"""``@inaccessible`` end to end: the membership subgraphs and our router, each over real HTTP.

Clients can neither see nor name an inaccessible field, type, enum value or
argument; the router still uses the hidden ``User.code`` as ``badges``' key
and as ``scores``' requirement.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import MEMBERSHIP_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.membership import membership_apps


@pytest.fixture(scope="module")
async def membership() -> AsyncIterator[Federation]:
    async with federation(membership_apps(), MEMBERSHIP_SUPERGRAPH) as running:
        yield running


async def test_a_hidden_field_still_serves_as_key_and_requirement(membership: Federation) -> None:
    answer = await membership.ask("{ users { name badge score } }")
    assert answer.body == {
        "data": {
            "users": [
                {"name": "Ada", "badge": "gold", "score": 70},
                {"name": "Alan", "badge": "silver", "score": 30},
            ]
        }
    }
    assert sorted(answer.asked.services()) == ["accounts", "badges", "scores"]
    assert answer.asked.services()[0] == "accounts"
    (badges,) = answer.asked.to("badges")
    assert badges.representations == [
        {"__typename": "User", "code": "A-7"},
        {"__typename": "User", "code": "B-3"},
    ]
    (scores,) = answer.asked.to("scores")
    assert scores.representations == [
        {"__typename": "User", "id": "u1", "code": "A-7"},
        {"__typename": "User", "id": "u2", "code": "B-3"},
    ]


async def test_the_hidden_key_is_fetched_but_never_shown(membership: Federation) -> None:
    answer = await membership.ask("{ users(tier: PRO) { __typename id badge } }")
    assert answer.body == {
        "data": {"users": [{"__typename": "User", "id": "u2", "badge": "silver"}]}
    }
    (accounts,) = answer.asked.to("accounts")
    assert "code" in accounts.fields


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("{ users { name code } }", "code"),
        ("{ users { audit { note } } }", "audit"),
        ("{ users(includeStaff: true) { name } }", "includeStaff"),
        ("{ users(tier: STAFF) { name } }", "STAFF"),
        ("query($t: Tier) { users(tier: $t) { ... on Audit { note } } }", "Audit"),
    ],
    ids=["field", "field of a hidden type", "argument", "enum value", "type"],
)
async def test_naming_a_hidden_element_is_a_validation_error(
    membership: Federation, query: str, named: str
) -> None:
    answer = await membership.ask(query)
    assert answer.status == 400
    (error,) = answer.body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert named in error["message"]
    assert "data" not in answer.body
    assert answer.asked.services() == []


async def test_introspection_does_not_show_hidden_elements(membership: Federation) -> None:
    answer = await membership.ask(
        """{
          user: __type(name: "User") { fields { name } }
          audit: __type(name: "Audit") { name }
          tier: __type(name: "Tier") { enumValues { name } }
          query: __type(name: "Query") { fields { name args { name } } }
          schema: __schema { types { name } }
        }"""
    )
    data = answer.body["data"]
    assert [f["name"] for f in data["user"]["fields"]] == ["id", "name", "tier", "badge", "score"]
    assert data["audit"] is None
    assert data["tier"] == {"enumValues": [{"name": "FREE"}, {"name": "PRO"}]}
    users = next(f for f in data["query"]["fields"] if f["name"] == "users")
    assert users == {"name": "users", "args": [{"name": "tier"}]}
    assert "Audit" not in {t["name"] for t in data["schema"]["types"]}
    assert answer.asked.services() == []
