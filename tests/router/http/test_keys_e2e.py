"""Entity keys end to end: the registry subgraphs and our router, each over real HTTP.

Several keys on one type, a compound key, a nested key and ``resolvable:
false`` keys; the request log shows which key each ``_entities`` request
carried, and that no subgraph was asked to resolve a key it cannot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import REGISTRY_SUPERGRAPH
from tests.router.http.live_federation import Answer, Federation, federation
from tests.router.registry import registry_apps

UNRESOLVABLE_HERE = ("audit", "projects", "builds")  # keys on User with resolvable: false


@pytest.fixture(scope="module")
async def registry() -> AsyncIterator[Federation]:
    async with federation(registry_apps(), REGISTRY_SUPERGRAPH) as running:
        yield running


def _no_user_entities_where_unresolvable(answer: Answer) -> None:
    for service in UNRESOLVABLE_HERE:
        for call in answer.asked.to(service):
            assert all(r["__typename"] != "User" for r in call.representations), call


async def test_a_second_key_reaches_a_subgraph_that_knows_only_that_one(
    registry: Federation,
) -> None:
    answer = await registry.ask("{ users { id name bio } }")
    assert answer.body == {
        "data": {
            "users": [
                {"id": "u1", "name": "Ada", "bio": "Writes programs."},
                {"id": "u2", "name": "Alan", "bio": "Breaks codes."},
            ]
        }
    }
    assert answer.asked.services() == ["users", "profiles"]
    assert answer.asked.to("profiles")[0].representations == [
        {"__typename": "User", "email": "ada@example.com"},
        {"__typename": "User", "email": "alan@example.com"},
    ]


async def test_a_subgraph_with_two_keys_is_entered_by_the_one_at_hand(
    registry: Federation,
) -> None:
    answer = await registry.ask('{ profile(email: "alan@example.com") { bio id name } }')
    assert answer.body == {
        "data": {"profile": {"bio": "Breaks codes.", "id": "u2", "name": "Alan"}}
    }
    assert answer.asked.services() == ["profiles", "users"]
    assert answer.asked.to("users")[0].representations == [
        {"__typename": "User", "email": "alan@example.com"}
    ]


async def test_a_key_and_a_requirement_come_from_the_subgraph_with_both(
    registry: Federation,
) -> None:
    answer = await registry.ask("{ auditLog { action user { summary bio } } }")
    assert answer.body == {
        "data": {
            "auditLog": [
                {
                    "action": "signed in",
                    "user": {"summary": "Alan: Breaks codes.", "bio": "Breaks codes."},
                },
                {
                    "action": "pushed",
                    "user": {"summary": "Ada: Writes programs.", "bio": "Writes programs."},
                },
            ]
        }
    }
    assert answer.asked.services() == ["audit", "users", "profiles"]
    assert answer.asked.to("profiles")[0].representations == [
        {"__typename": "User", "email": "alan@example.com", "name": "Alan"},
        {"__typename": "User", "email": "ada@example.com", "name": "Ada"},
    ]
    _no_user_entities_where_unresolvable(answer)


async def test_a_requirement_gathered_through_two_keys(registry: Federation) -> None:
    # projects names owners by id; users turns id into email and name; profiles
    # gives bio by email; cards, keyed by email, requires name and bio.
    answer = await registry.ask("{ repositories { owner { card } } }")
    assert answer.body == {
        "data": {
            "repositories": [
                {"owner": {"card": "Ada | Writes programs."}},
                {"owner": {"card": "Alan | Breaks codes."}},
            ]
        }
    }
    assert answer.asked.services() == ["projects", "users", "profiles", "cards"]
    assert answer.asked.to("cards")[0].representations == [
        {
            "__typename": "User",
            "email": "ada@example.com",
            "name": "Ada",
            "bio": "Writes programs.",
        },
        {"__typename": "User", "email": "alan@example.com", "name": "Alan", "bio": "Breaks codes."},
    ]
    _no_user_entities_where_unresolvable(answer)


async def test_no_entities_request_goes_to_a_subgraph_whose_key_is_not_resolvable(
    registry: Federation,
) -> None:
    # audit sorts first and carries id under its email key, but cannot resolve references.
    answer = await registry.ask('{ profile(email: "ada@example.com") { bio id } }')
    assert answer.body == {"data": {"profile": {"bio": "Writes programs.", "id": "u1"}}}
    assert answer.asked.services() == ["profiles", "users"]
    answer = await registry.ask("{ auditLog { action user { id name } } }")
    assert answer.body == {
        "data": {
            "auditLog": [
                {"action": "signed in", "user": {"id": "u2", "name": "Alan"}},
                {"action": "pushed", "user": {"id": "u1", "name": "Ada"}},
            ]
        }
    }
    assert answer.asked.services() == ["audit", "users"]
    assert not answer.asked.to("audit")[0].is_entities


async def test_a_compound_key_tells_apart_entities_that_share_an_id(registry: Federation) -> None:
    answer = await registry.ask("{ projects { id org name lastBuild } }")
    assert answer.body == {
        "data": {
            "projects": [
                {"id": "web", "org": "acme", "name": "Acme web", "lastBuild": "passed"},
                {"id": "web", "org": "globex", "name": "Globex web", "lastBuild": "failed"},
            ]
        }
    }
    assert answer.asked.services() == ["projects", "builds"]
    assert answer.asked.to("builds")[0].representations == [
        {"__typename": "Project", "id": "web", "org": "acme"},
        {"__typename": "Project", "id": "web", "org": "globex"},
    ]
    answer = await registry.ask("{ failing { name } }")
    assert answer.body == {"data": {"failing": [{"name": "Globex web"}]}}
    assert answer.asked.to("projects")[0].representations == [
        {"__typename": "Project", "id": "web", "org": "globex"}
    ]


async def test_a_nested_key_carries_the_owner_inside_the_representation(
    registry: Federation,
) -> None:
    answer = await registry.ask("{ repositories { name stars status owner { name } } }")
    assert answer.body == {
        "data": {
            "repositories": [
                {"name": "site", "stars": 5, "status": "green", "owner": {"name": "Ada"}},
                {"name": "site", "stars": 9, "status": "red", "owner": {"name": "Alan"}},
            ]
        }
    }
    assert sorted(answer.asked.services()) == ["builds", "projects", "users"]
    assert answer.asked.services()[0] == "projects"
    assert answer.asked.to("builds")[0].representations == [
        {"__typename": "Repository", "name": "site", "owner": {"id": "u1"}},
        {"__typename": "Repository", "name": "site", "owner": {"id": "u2"}},
    ]
    assert answer.asked.to("users")[0].representations == [
        {"__typename": "User", "id": "u1"},
        {"__typename": "User", "id": "u2"},
    ]
    _no_user_entities_where_unresolvable(answer)
