"""Signing up and signing in, as a client does it through GraphQL."""

from __future__ import annotations

import re

import jwt
import pytest

from tests.subgraphs.accounts.conftest import Accounts, new_mobile
from tests.subgraphs.conftest import JWT_SECRET
from tests.support.graphql import error_of

REQUEST_CODE = """mutation($m: String!, $p: VerificationPurpose!) {
  requestVerificationCode(mobile: $m, purpose: $p) { expiresIn resendAfter } }"""
REGISTER = """mutation($m: String!, $c: String!, $p: String!, $n: String!) {
  register(mobile: $m, code: $c, password: $p, nickname: $n) {
    accessToken refreshToken expiresIn user { id nickname bio avatar createdAt } } }"""
LOGIN = """mutation($m: String!, $p: String!) {
  login(mobile: $m, password: $p) { accessToken refreshToken user { id } } }"""
ME = "{ me { id nickname mobile } }"


@pytest.mark.sqlite
async def test_a_new_user_registers_logs_in_and_sees_themself(accounts: Accounts) -> None:
    mobile = new_mobile()
    sent = await accounts.client.data(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    assert sent["requestVerificationCode"] == {"expiresIn": 300, "resendAfter": 1}
    code = accounts.sms.last_code(mobile)
    assert len(code) == 6 and code.isdigit()

    registered = await accounts.client.data(
        REGISTER, {"m": mobile, "c": code, "p": "sunny2day", "n": "  Ada   Lovelace "}
    )
    user = registered["register"]["user"]
    assert user["nickname"] == "Ada Lovelace"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", user["createdAt"])

    logged_in = await accounts.client.data(LOGIN, {"m": mobile, "p": "sunny2day"})
    token = logged_in["login"]["accessToken"]
    me = await accounts.client.data(ME, token=token)
    assert me["me"] == {
        "id": user["id"],
        "nickname": "Ada Lovelace",
        "mobile": f"{mobile[:3]}****{mobile[-4:]}",
    }


async def test_me_is_null_without_a_token(accounts: Accounts) -> None:
    assert await accounts.client.data(ME) == {"me": None}


async def test_the_access_token_carries_the_required_claims(accounts: Accounts) -> None:
    payload = await accounts.register()
    claims = jwt.decode(
        payload["accessToken"], JWT_SECRET, algorithms=["HS256"], audience="beyond", issuer="beyond"
    )
    assert claims["sub"] == payload["user"]["id"]
    assert claims["exp"] - claims["iat"] == payload["expiresIn"] == 900
    assert len(claims["jti"]) == 32


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1", "8 to 128"),
        ("onlyletters", "letters and digits"),
        ("12345678", "letters and digits"),
        ("a1a1a1a1", "varied"),
    ],
)
async def test_weak_passwords_are_refused_naming_the_field(
    accounts: Accounts, password: str, fragment: str
) -> None:
    mobile = new_mobile()
    await accounts.client.data(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    body = await accounts.client.execute(
        REGISTER, {"m": mobile, "c": accounts.sms.last_code(mobile), "p": password, "n": "Bo"}
    )
    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "password"}
    assert fragment in error["message"]
    # the refused attempt did not use the code up
    ok = await accounts.client.execute(
        REGISTER, {"m": mobile, "c": accounts.sms.last_code(mobile), "p": "better4you", "n": "Bo"}
    )
    assert "errors" not in ok


async def test_password_containing_the_mobile_is_refused(accounts: Accounts) -> None:
    mobile = new_mobile()
    await accounts.client.data(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    body = await accounts.client.execute(
        REGISTER, {"m": mobile, "c": accounts.sms.last_code(mobile), "p": f"x{mobile}", "n": "Bo"}
    )
    assert error_of(body)["extensions"]["field"] == "password"


async def test_an_over_long_nickname_is_refused(accounts: Accounts) -> None:
    mobile = new_mobile()
    await accounts.client.data(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    body = await accounts.client.execute(
        REGISTER,
        {"m": mobile, "c": accounts.sms.last_code(mobile), "p": "sunny2day", "n": "x" * 21},
    )
    assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "nickname"}


async def test_a_taken_mobile_is_a_conflict(accounts: Accounts) -> None:
    mobile = (await accounts.register())["mobile"]
    code = await accounts.request_code(mobile, "REGISTER")
    body = await accounts.client.execute(
        REGISTER, {"m": mobile, "c": code, "p": "sunny2day", "n": "Twin"}
    )
    error = error_of(body)
    assert error["extensions"] == {"code": "CONFLICT", "field": "mobile"}
    assert "log in instead" in error["message"]


@pytest.mark.parametrize("mobile", ["12345", "2380013800", "1380013800x", "+1 415 555 0100"])
async def test_invalid_mobile_numbers_are_bad_input(accounts: Accounts, mobile: str) -> None:
    body = await accounts.client.execute(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "mobile"}
    assert accounts.sms.sent == []


async def test_mobile_numbers_are_normalised(accounts: Accounts) -> None:
    mobile = new_mobile()
    await accounts.client.data(
        REQUEST_CODE, {"m": f"+86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}", "p": "REGISTER"}
    )
    assert accounts.sms.sent == [(mobile, accounts.sms.last_code(mobile))]


async def test_registering_with_several_bad_inputs_names_each(accounts: Accounts) -> None:
    body = await accounts.client.execute(
        REGISTER, {"m": "12345", "c": "12", "p": "short", "n": "x" * 21}
    )
    extensions = error_of(body)["extensions"]
    assert [f["field"] for f in extensions["fields"]] == ["mobile", "nickname", "password", "code"]
