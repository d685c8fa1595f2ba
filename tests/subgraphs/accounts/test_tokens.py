"""Sessions: password sign-in, throttling, refresh-token rotation and reuse, logout, reset."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tests.subgraphs.accounts.conftest import Accounts, new_mobile
from tests.subgraphs.conftest import JWT_SECRET
from tests.support.graphql import error_of

LOGIN = """mutation($m: String!, $p: String!) {
  login(mobile: $m, password: $p) { accessToken refreshToken user { id } } }"""
REFRESH = """mutation($t: String!) {
  refreshToken(refreshToken: $t) { accessToken refreshToken expiresIn user { id } } }"""
LOGOUT = "mutation($t: String!, $all: Boolean!) { logout(refreshToken: $t, allDevices: $all) }"
RESET = """mutation($m: String!, $c: String!, $p: String!) {
  resetPassword(mobile: $m, code: $c, newPassword: $p) { accessToken refreshToken } }"""


async def test_wrong_mobile_and_wrong_password_look_the_same(accounts: Accounts) -> None:
    user = await accounts.register()
    wrong_password = await accounts.client.execute(LOGIN, {"m": user["mobile"], "p": "nope1nope"})
    unknown_mobile = await accounts.client.execute(LOGIN, {"m": new_mobile(), "p": "nope1nope"})
    assert wrong_password == unknown_mobile
    assert error_of(wrong_password)["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_repeated_failures_throttle_the_mobile(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory(login_failures_per_mobile=3)
    user = await accounts.register(password="right4sure")
    for _ in range(3):
        await accounts.client.execute(LOGIN, {"m": user["mobile"], "p": "wrong4sure"})
    body = await accounts.client.execute(LOGIN, {"m": user["mobile"], "p": "right4sure"})
    error = error_of(body)
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < error["extensions"]["retryAfter"] <= 900


async def test_repeated_failures_throttle_the_network(
    accounts_factory: Callable[..., Accounts],
) -> None:
    secret = "router-secret-for-the-test"
    accounts = accounts_factory(login_failures_per_ip=4, router_secret=secret)
    user = await accounts.register(password="right4sure")
    attacker = {"X-Forwarded-For": "203.0.113.66", "X-Beyond-Router-Secret": secret}
    for _ in range(4):
        await accounts.client.execute(
            LOGIN, {"m": new_mobile(), "p": "guess1guess"}, headers=attacker
        )
    body = await accounts.client.execute(
        LOGIN, {"m": user["mobile"], "p": "right4sure"}, headers=attacker
    )
    assert error_of(body)["extensions"]["code"] == "RATE_LIMITED"
    elsewhere = await accounts.client.execute(LOGIN, {"m": user["mobile"], "p": "right4sure"})
    assert "errors" not in elsewhere


async def test_a_refresh_token_rotates(accounts: Accounts) -> None:
    user = await accounts.register()
    rotated = (await accounts.client.data(REFRESH, {"t": user["refreshToken"]}))["refreshToken"]
    assert rotated["refreshToken"] != user["refreshToken"]
    assert rotated["user"]["id"] == user["user"]["id"]
    me = await accounts.client.data("{ me { id } }", token=rotated["accessToken"])
    assert me["me"]["id"] == user["user"]["id"]


async def test_reusing_a_rotated_refresh_token_revokes_its_family(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory(refresh_reuse_grace=1)
    user = await accounts.register()
    second = (await accounts.client.data(REFRESH, {"t": user["refreshToken"]}))["refreshToken"]
    await asyncio.sleep(1.2)  # past the grace window: this is reuse, not a second tab
    stolen = await accounts.client.execute(REFRESH, {"t": user["refreshToken"]})
    assert error_of(stolen)["extensions"] == {"code": "UNAUTHENTICATED"}
    # the legitimate holder's newer token died with the family
    after = await accounts.client.execute(REFRESH, {"t": second["refreshToken"]})
    assert error_of(after)["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_tabs_refreshing_at_once_get_the_same_new_session(accounts: Accounts) -> None:
    user = await accounts.register()
    bodies = await asyncio.gather(
        *(accounts.client.execute(REFRESH, {"t": user["refreshToken"]}) for _ in range(8))
    )
    assert [body.get("errors") for body in bodies] == [None] * 8
    pairs = {
        (body["data"]["refreshToken"]["accessToken"], body["data"]["refreshToken"]["refreshToken"])
        for body in bodies
    }
    assert len(pairs) == 1
    [(access, refresh)] = pairs
    me = await accounts.client.data("{ me { id } }", token=access)
    assert me["me"]["id"] == user["user"]["id"]
    # the family is alive: the new token rotates as usual
    assert "errors" not in await accounts.client.execute(REFRESH, {"t": refresh})


async def test_a_second_tab_within_the_grace_window_is_not_reuse(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory(refresh_reuse_grace=30)
    user = await accounts.register()
    first = (await accounts.client.data(REFRESH, {"t": user["refreshToken"]}))["refreshToken"]
    again = (await accounts.client.data(REFRESH, {"t": user["refreshToken"]}))["refreshToken"]
    assert again == first
    await accounts.client.data(LOGOUT, {"t": first["refreshToken"], "all": False})
    # a logged-out family is not revived through the window
    late = await accounts.client.execute(REFRESH, {"t": user["refreshToken"]})
    assert error_of(late)["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_other_sessions_survive_a_family_revocation(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory(refresh_reuse_grace=0)
    user = await accounts.register(password="laptop4me")
    phone = (await accounts.client.data(LOGIN, {"m": user["mobile"], "p": "laptop4me"}))["login"]
    await accounts.client.data(REFRESH, {"t": user["refreshToken"]})
    await accounts.client.execute(REFRESH, {"t": user["refreshToken"]})  # reuse: family revoked
    assert "errors" not in await accounts.client.execute(REFRESH, {"t": phone["refreshToken"]})


async def test_garbage_refresh_tokens_are_unauthenticated(accounts: Accounts) -> None:
    body = await accounts.client.execute(REFRESH, {"t": "not-a-token"})
    assert error_of(body)["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_logout_ends_the_session(accounts: Accounts) -> None:
    user = await accounts.register()
    assert await accounts.client.data(LOGOUT, {"t": user["refreshToken"], "all": False}) == {
        "logout": True
    }
    body = await accounts.client.execute(REFRESH, {"t": user["refreshToken"]})
    assert error_of(body)["extensions"]["code"] == "UNAUTHENTICATED"
    # logging out twice is not an error
    assert await accounts.client.data(LOGOUT, {"t": user["refreshToken"], "all": False}) == {
        "logout": True
    }


async def test_logout_everywhere_ends_every_session(accounts: Accounts) -> None:
    user = await accounts.register(password="laptop4me")
    phone = (await accounts.client.data(LOGIN, {"m": user["mobile"], "p": "laptop4me"}))["login"]
    await accounts.client.data(LOGOUT, {"t": user["refreshToken"], "all": True})
    body = await accounts.client.execute(REFRESH, {"t": phone["refreshToken"]})
    assert error_of(body)["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.sqlite
async def test_reset_password_with_a_code(accounts: Accounts) -> None:
    user = await accounts.register(password="old4password")
    code = await accounts.request_code(user["mobile"], "RESET_PASSWORD")
    await accounts.client.data(RESET, {"m": user["mobile"], "c": code, "p": "new4password"})
    old = await accounts.client.execute(LOGIN, {"m": user["mobile"], "p": "old4password"})
    assert error_of(old)["extensions"]["code"] == "UNAUTHENTICATED"
    assert "errors" not in await accounts.client.execute(
        LOGIN, {"m": user["mobile"], "p": "new4password"}
    )
    # sessions from before the reset are over
    stale = await accounts.client.execute(REFRESH, {"t": user["refreshToken"]})
    assert error_of(stale)["extensions"]["code"] == "UNAUTHENTICATED"


async def test_reset_password_checks_the_new_password(accounts: Accounts) -> None:
    user = await accounts.register()
    code = await accounts.request_code(user["mobile"], "RESET_PASSWORD")
    body = await accounts.client.execute(RESET, {"m": user["mobile"], "c": code, "p": "weak"})
    assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "newPassword"}


async def test_an_expired_access_token_asks_for_a_refresh(accounts: Accounts) -> None:
    user = await accounts.register()
    now = int(time.time())
    expired = jwt.encode(
        {
            "iss": "beyond",
            "aud": "beyond",
            "sub": user["user"]["id"],
            "iat": now - 1000,
            "exp": now - 10,
        },
        JWT_SECRET,
        algorithm="HS256",
    )
    error = error_of(await accounts.client.execute("{ me { id } }", token=expired))
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert "refresh" in error["message"]


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "someone-else"},
        {"iss": "someone-else"},
        {"sub": None},
        {"sub": "abc"},
        {"sub": "²"},
        {"sub": "-1"},
        {"sub": "0"},
        {"sub": "9223372036854775808"},
        {"sub": "1" * 10_000},
    ],
    ids=[
        "audience",
        "issuer",
        "no-subject",
        "word",
        "superscript",
        "negative",
        "zero",
        "huge",
        "long",
    ],
)
async def test_tokens_with_wrong_claims_are_refused(
    accounts: Accounts, claims: dict[str, object]
) -> None:
    now = int(time.time())
    base: dict[str, object] = {
        "iss": "beyond",
        "aud": "beyond",
        "sub": "1",
        "iat": now,
        "exp": now + 60,
    }
    token_claims = {k: v for k, v in {**base, **claims}.items() if v is not None}
    token = jwt.encode(token_claims, JWT_SECRET, algorithm="HS256")
    error = error_of(await accounts.client.execute("{ me { id } }", token=token))
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_a_malformed_authorization_header_is_refused(accounts: Accounts) -> None:
    body = await accounts.client.execute("{ me { id } }", headers={"Authorization": "Token abc"})
    assert "Bearer" in error_of(body)["message"]


def _pem_pair(private_key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> tuple[str, str]:
    private = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.mark.parametrize("algorithm", ["RS256", "EdDSA"])
async def test_asymmetric_signing_keys(
    accounts_factory: Callable[..., Accounts], algorithm: str
) -> None:
    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if algorithm == "RS256"
        else ed25519.Ed25519PrivateKey.generate()
    )
    private, public = _pem_pair(key)
    accounts = accounts_factory(
        jwt_algorithm=algorithm, jwt_secret=None, jwt_private_key=private, jwt_public_key=public
    )
    user = await accounts.register()
    assert jwt.get_unverified_header(user["accessToken"])["alg"] == algorithm
    me = await accounts.client.data("{ me { id } }", token=user["accessToken"])
    assert me["me"]["id"] == user["user"]["id"]
