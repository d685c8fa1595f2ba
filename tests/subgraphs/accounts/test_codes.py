"""Verification codes: validity, single use, attempt limit, resend and daily limits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from tests.subgraphs.accounts.conftest import Accounts, new_mobile
from tests.support.graphql import error_of

REQUEST_CODE = """mutation($m: String!, $p: VerificationPurpose!) {
  requestVerificationCode(mobile: $m, purpose: $p) { expiresIn resendAfter } }"""
LOGIN_WITH_CODE = """mutation($m: String!, $c: String!) {
  loginWithCode(mobile: $m, code: $c) { accessToken user { id } } }"""


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_login_with_a_code(accounts: Accounts) -> None:
    user = await accounts.register()
    code = await accounts.request_code(user["mobile"], "LOGIN")
    data = await accounts.client.data(LOGIN_WITH_CODE, {"m": user["mobile"], "c": code})
    assert data["loginWithCode"]["user"]["id"] == user["user"]["id"]


async def test_a_code_works_once(accounts: Accounts) -> None:
    user = await accounts.register()
    code = await accounts.request_code(user["mobile"], "LOGIN")
    await accounts.client.data(LOGIN_WITH_CODE, {"m": user["mobile"], "c": code})
    again = await accounts.client.execute(LOGIN_WITH_CODE, {"m": user["mobile"], "c": code})
    assert error_of(again)["extensions"] == {"code": "BAD_USER_INPUT", "field": "code"}


async def test_a_code_is_only_good_for_its_purpose(accounts: Accounts) -> None:
    mobile = new_mobile()
    await accounts.client.data(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    code = accounts.sms.last_code(mobile)
    body = await accounts.client.execute(LOGIN_WITH_CODE, {"m": mobile, "c": code})
    assert error_of(body)["extensions"]["field"] == "code"


async def test_five_wrong_attempts_burn_the_code(accounts: Accounts) -> None:
    user = await accounts.register()
    code = await accounts.request_code(user["mobile"], "LOGIN")
    for _ in range(5):
        body = await accounts.client.execute(
            LOGIN_WITH_CODE, {"m": user["mobile"], "c": _wrong(code)}
        )
        assert error_of(body)["extensions"]["code"] == "BAD_USER_INPUT"
    burnt = await accounts.client.execute(LOGIN_WITH_CODE, {"m": user["mobile"], "c": code})
    assert "wrong or has expired" in error_of(burnt)["message"]


async def test_four_wrong_attempts_leave_the_code_usable(accounts: Accounts) -> None:
    user = await accounts.register()
    code = await accounts.request_code(user["mobile"], "LOGIN")
    for _ in range(4):
        await accounts.client.execute(LOGIN_WITH_CODE, {"m": user["mobile"], "c": _wrong(code)})
    assert "errors" not in await accounts.client.execute(
        LOGIN_WITH_CODE, {"m": user["mobile"], "c": code}
    )


async def test_a_code_expires(accounts_factory: Callable[..., Accounts]) -> None:
    accounts = accounts_factory(code_ttl=1)
    mobile = new_mobile()
    await accounts.client.data(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    await asyncio.sleep(1.5)
    body = await accounts.client.execute(
        """mutation($m: String!, $c: String!) {
             register(mobile: $m, code: $c, password: "sunny2day", nickname: "Late") { expiresIn } }""",
        {"m": mobile, "c": accounts.sms.last_code(mobile)},
    )
    assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "code"}


async def test_resending_within_the_cooldown_is_rate_limited(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory()
    mobile = new_mobile()
    await accounts.client.data(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    body = await accounts.client.execute(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    error = error_of(body)
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 0 < error["extensions"]["retryAfter"] <= 60
    assert len(accounts.sms.sent) == 1


async def test_a_mobile_gets_a_limited_number_of_codes_a_day(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory(code_resend_cooldown=1, codes_per_mobile_per_day=2)
    mobile = new_mobile()
    for _ in range(2):
        await accounts.client.data(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
        await asyncio.sleep(1.05)
    body = await accounts.client.execute(REQUEST_CODE, {"m": mobile, "p": "REGISTER"})
    error = error_of(body)
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 86_000 < error["extensions"]["retryAfter"] <= 86_400
    assert len(accounts.sms.sent) == 2


async def test_one_network_gets_a_limited_number_of_codes(
    accounts_factory: Callable[..., Accounts],
) -> None:
    # The network is the address the router forwards, believed with the router's secret.
    secret = "router-secret-for-the-test"
    accounts = accounts_factory(codes_per_ip_per_hour=3, router_secret=secret)
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Beyond-Router-Secret": secret}
    for _ in range(3):
        await accounts.client.data(
            REQUEST_CODE, {"m": new_mobile(), "p": "REGISTER"}, headers=headers
        )
    body = await accounts.client.execute(
        REQUEST_CODE, {"m": new_mobile(), "p": "REGISTER"}, headers=headers
    )
    assert error_of(body)["extensions"]["code"] == "RATE_LIMITED"
    other = {"X-Forwarded-For": "198.51.100.9", "X-Beyond-Router-Secret": secret}
    assert "errors" not in await accounts.client.execute(
        REQUEST_CODE, {"m": new_mobile(), "p": "REGISTER"}, headers=other
    )


@pytest.mark.parametrize("purpose", ["LOGIN", "RESET_PASSWORD"])
async def test_asking_a_code_for_an_unknown_number_looks_the_same_but_sends_nothing(
    accounts: Accounts, purpose: str
) -> None:
    known = await accounts.register()
    await asyncio.sleep(1.05)
    accounts.sms.sent.clear()
    unknown_answer = await accounts.client.execute(REQUEST_CODE, {"m": new_mobile(), "p": purpose})
    known_answer = await accounts.client.execute(REQUEST_CODE, {"m": known["mobile"], "p": purpose})
    assert unknown_answer == known_answer
    assert [to for to, _ in accounts.sms.sent] == [known["mobile"]]
