"""@authenticated and @requiresScopes through the router over real HTTP, tokens verified by the router.

The vault graph (tests/router/vault.py, composed by Apollo): the router
verifies the client's JWT, removes what the request may not see before
planning, answers null with an ``UNAUTHORIZED_FIELD_OR_TYPE`` error at its
path, and never asks a subgraph for a removed field (the subgraphs log what
they are asked).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import jwt
import pytest

from tests.router.http.compose import VAULT_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.http.sockets import socket
from tests.router.vault import vault_apps

SECRET = "a-test-secret-long-enough-for-hs256!"
AUTHENTICATION = {"authentication": {"jwt_secret": SECRET, "jwt_issuer": "beyond-test"}}


def token(scope: str | list[str] | None = None, **claims: Any) -> dict[str, str]:
    payload: dict[str, Any] = {"sub": "u1", "iss": "beyond-test", "exp": time.time() + 60}
    if scope is not None:
        payload["scope"] = scope
    payload.update(claims)
    return {"authorization": f"Bearer {jwt.encode(payload, SECRET, algorithm='HS256')}"}


def unauthorized(*path: str | int) -> dict[str, Any]:
    return {
        "message": "Unauthorized field or type",
        "path": list(path),
        "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
    }


@pytest.fixture(scope="module")
async def vault() -> AsyncIterator[Federation]:
    async with federation(vault_apps(), VAULT_SUPERGRAPH, AUTHENTICATION) as running:
        yield running


async def test_an_anonymous_request_gets_null_and_an_error_where_authentication_is_needed(
    vault: Federation,
) -> None:
    answer = await vault.ask("{ motto me { name } secret { code } }")
    assert answer.status == 200
    assert answer.body == {
        "errors": [unauthorized("me"), unauthorized("secret")],
        "data": {"motto": "open by default", "me": None, "secret": None},
    }
    [call] = answer.asked.calls
    assert call.fields == {"motto"}


async def test_an_authenticated_request_sees_them(vault: Federation) -> None:
    answer = await vault.ask("{ me { name } secret { code } }", headers=token())
    assert answer.body == {"data": {"me": {"name": "Ada"}, "secret": {"code": "0000"}}}


async def test_a_subgraph_is_not_called_when_nothing_is_left_for_it(vault: Federation) -> None:
    answer = await vault.ask("{ users { name balance plan } }")
    assert answer.body["data"] == {
        "users": [
            {"name": "Ada", "balance": None, "plan": "free"},
            {"name": "Grace", "balance": None, "plan": "free"},
        ]
    }
    assert answer.body["errors"] == [unauthorized("users", "@", "balance")]
    assert "balance" not in answer.asked.to("billing")[0].fields

    answer = await vault.ask("{ me { name } users { balance } }")
    assert answer.body == {
        "errors": [unauthorized("me"), unauthorized("users", "@", "balance")],
        "data": None,  # users is non-null
    }
    assert answer.asked.calls == []

    signed_in = await vault.ask("{ users { balance } }", headers=token())
    assert signed_in.body == {"data": {"users": [{"balance": 200}, {"balance": 200}]}}
    assert signed_in.asked.services() == ["accounts", "billing"]


async def test_scopes_come_from_the_token_as_a_string_or_a_list(vault: Federation) -> None:
    query = "{ users { name email } }"
    without = await vault.ask(query, headers=token())
    assert without.body["errors"] == [unauthorized("users", "@", "email")]
    assert "email" not in without.asked.to("accounts")[0].fields
    for scope in ("openid read:email", ["read:email"]):
        answer = await vault.ask(query, headers=token(scope))
        assert answer.body == {
            "data": {
                "users": [
                    {"name": "Ada", "email": "ada@example.com"},
                    {"name": "Grace", "email": "grace@example.com"},
                ]
            }
        }


async def test_a_removed_non_null_field_nulls_its_nearest_nullable_parent(
    vault: Federation,
) -> None:
    answer = await vault.ask("{ me { name phone } }", headers=token("read:phone"))
    assert answer.body == {"errors": [unauthorized("me", "phone")], "data": {"me": None}}
    # users: [User!]! has no nullable position above phone: data itself is null.
    answer = await vault.ask("{ users { phone } }", headers=token("read:phone"))
    assert answer.body == {"errors": [unauthorized("users", "@", "phone")], "data": None}
    allowed = await vault.ask("{ me { phone } }", headers=token("read:phone read:private"))
    assert allowed.body == {"data": {"me": {"phone": "+1-u1"}}}
    admin = await vault.ask("{ me { phone } }", headers=token("admin"))
    assert admin.body == allowed.body


async def test_the_plan_cache_keeps_apart_what_different_requests_may_see(
    vault: Federation,
) -> None:
    query = "{ users { email } }"
    for _ in range(2):
        anonymous = await vault.ask(query)
        scoped = await vault.ask(query, headers=token("read:email"))
        assert anonymous.body["errors"] == [unauthorized("users", "@", "email")]
        assert "errors" not in scoped.body


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        (lambda: {"authorization": "Bearer not-a-jwt"}, "not valid"),
        (lambda: token(exp=time.time() - 10), "expired"),
        (lambda: token(iss="someone-else"), "issuer"),
        (
            lambda: {
                "authorization": "Bearer "
                + jwt.encode({"sub": "u1"}, "another-secret-of-32-bytes-or-more")
            },
            "Signature",
        ),
        (lambda: {"authorization": "Basic dXNlcjpwYXNz"}, "Bearer"),
    ],
    ids=["garbage", "expired", "issuer", "signature", "prefix"],
)
async def test_a_token_that_does_not_verify_is_answered_401(
    vault: Federation, headers: Callable[[], dict[str, str]], reason: str
) -> None:
    answer = await vault.ask("{ motto }", headers=headers())
    assert answer.status == 401
    [error] = answer.body["errors"]
    expired = reason == "expired"
    assert error["extensions"] == {
        "code": "UNAUTHENTICATED",
        "reason": "EXPIRED" if expired else "INVALID",
    }
    assert reason in error["message"]
    assert "data" not in answer.body
    assert answer.asked.calls == []


def subscribe(query: str) -> dict[str, Any]:
    return {"id": "1", "type": "subscribe", "payload": {"query": query}}


async def test_a_websocket_subscription_needs_the_token_in_connection_init(
    vault: Federation,
) -> None:
    url = str(vault.client.base_url)
    async with socket(url) as ws:
        await ws.init()
        await ws.send(subscribe("subscription { alarms }"))
        assert await ws.receive() == {
            "id": "1",
            "type": "next",
            "payload": {"errors": [unauthorized("alarms")], "data": None},
        }
        assert await ws.receive() == {"id": "1", "type": "complete"}
    async with socket(url) as ws:
        await ws.init(token())
        await ws.send(subscribe("subscription { alarms }"))
        events = [(await ws.receive())["payload"] for _ in range(2)]
        assert events == [{"data": {"alarms": "alarm 0"}}, {"data": {"alarms": "alarm 1"}}]
        assert await ws.receive() == {"id": "1", "type": "complete"}


async def test_a_public_subscription_runs_for_anyone(vault: Federation) -> None:
    async with socket(str(vault.client.base_url)) as ws:
        await ws.init()
        await ws.send(subscribe("subscription { ticks }"))
        events = [(await ws.receive())["payload"] for _ in range(2)]
        assert events == [{"data": {"ticks": 0}}, {"data": {"ticks": 1}}]


async def test_a_websocket_with_a_bad_token_is_closed_before_it_is_acknowledged(
    vault: Federation,
) -> None:
    async with socket(str(vault.client.base_url)) as ws:
        await ws.send({"type": "connection_init", "payload": token(exp=time.time() - 10)})
        code, reason = await ws.closed()
    assert code == 4403
    assert "expired" in reason


async def test_the_upgrade_requests_header_serves_when_connection_init_has_none(
    vault: Federation,
) -> None:
    async with socket(str(vault.client.base_url), headers=token()) as ws:
        await ws.init()
        await ws.send(subscribe("subscription { alarms(count: 1) }"))
        assert (await ws.receive())["payload"] == {"data": {"alarms": "alarm 0"}}
