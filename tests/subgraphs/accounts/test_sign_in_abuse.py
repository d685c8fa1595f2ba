"""Sign-in under attack: parallel guesses, a busy Argon2 pool, network-wide lockouts.

Every attack runs as concurrent requests through the accounts GraphQL app on
the real MariaDB and Redis.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from tests.subgraphs.accounts.conftest import Accounts, new_mobile
from tests.support.graphql import error_of

LOGIN = """mutation($m: String!, $p: String!) {
  login(mobile: $m, password: $p) { accessToken user { id } } }"""
LOGIN_FROM_DEVICE = """mutation($m: String!, $p: String!, $d: String) {
  login(mobile: $m, password: $p, deviceId: $d) { accessToken user { id } } }"""
LOGIN_WITH_CODE = """mutation($m: String!, $c: String!) {
  loginWithCode(mobile: $m, code: $c) { accessToken user { id } } }"""
NETWORK = {"X-Forwarded-For": "203.0.113.80"}


def _outcomes(bodies: list[dict[str, Any]]) -> Counter[str]:
    return Counter(error_of(b)["extensions"]["code"] if "errors" in b else "OK" for b in bodies)


async def _login(
    accounts: Accounts, mobile: str, password: str, device: str | None = None, **kwargs: Any
) -> dict[str, Any]:
    if device is None:
        body: dict[str, Any] = await accounts.client.execute(
            LOGIN, {"m": mobile, "p": password}, **kwargs
        )
    else:
        body = await accounts.client.execute(
            LOGIN_FROM_DEVICE, {"m": mobile, "p": password, "d": device}, **kwargs
        )
    return body


async def test_parallel_guesses_at_one_account_count_one_by_one(accounts: Accounts) -> None:
    user = await accounts.register(password="right4sure")
    attempts = [_login(accounts, user["mobile"], f"wrong{i}guess") for i in range(59)]
    attempts.append(_login(accounts, user["mobile"], "right4sure"))
    outcomes = _outcomes(await asyncio.gather(*attempts))
    judged = outcomes["UNAUTHENTICATED"] + outcomes["OK"]
    assert judged <= accounts.settings.login_failures_per_mobile
    assert outcomes["RATE_LIMITED"] >= 60 - accounts.settings.login_failures_per_mobile


async def test_parallel_guesses_fill_the_account_window_exactly(accounts: Accounts) -> None:
    user = await accounts.register(password="right4sure")
    guesses = [_login(accounts, user["mobile"], f"wrong{i}guess") for i in range(40)]
    outcomes = _outcomes(await asyncio.gather(*guesses))
    limit = accounts.settings.login_failures_per_mobile
    assert outcomes == {"UNAUTHENTICATED": limit, "RATE_LIMITED": 40 - limit}
    right = await _login(accounts, user["mobile"], "right4sure")
    assert error_of(right)["extensions"]["code"] == "RATE_LIMITED"


async def test_parallel_guesses_from_one_network_count_one_by_one(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory(login_failures_per_ip=8)
    guesses = [_login(accounts, new_mobile(), "guess1guess", headers=NETWORK) for _ in range(40)]
    outcomes = _outcomes(await asyncio.gather(*guesses))
    assert outcomes["UNAUTHENTICATED"] <= 8
    assert outcomes["RATE_LIMITED"] >= 32
    assert set(outcomes) <= {"UNAUTHENTICATED", "RATE_LIMITED"}


async def test_parallel_wrong_codes_burn_the_code(accounts: Accounts) -> None:
    user = await accounts.register()
    code = await accounts.request_code(user["mobile"], "LOGIN")
    wrong = [f"{(int(code) + k) % 1_000_000:06d}" for k in range(1, 31)]
    bodies = await asyncio.gather(
        *(
            accounts.client.execute(LOGIN_WITH_CODE, {"m": user["mobile"], "c": guess})
            for guess in wrong
        )
    )
    assert _outcomes(bodies) == {"BAD_USER_INPUT": 30}
    right = await accounts.client.execute(LOGIN_WITH_CODE, {"m": user["mobile"], "c": code})
    assert error_of(right)["extensions"] == {"code": "BAD_USER_INPUT", "field": "code"}


async def test_a_full_argon2_pool_sheds_sign_ins_and_the_service_keeps_answering(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory(password_workers=1, password_queue=1, login_failures_per_mobile=2)
    user = await accounts.register(password="right4sure")
    pool = accounts.runtime.service.passwords.pool
    gate = threading.Event()
    # Two long jobs take the one worker and the one queue place, as slow hashes would.
    holders = [asyncio.create_task(pool.run(gate.wait, 30)) for _ in range(2)]
    for _ in range(1_000):
        if pool.admitted == 2:
            break
        await asyncio.sleep(0.001)
    assert pool.admitted == 2
    try:
        shed = await asyncio.gather(
            *(_login(accounts, user["mobile"], f"wrong{i}guess") for i in range(6))
        )
        for body in shed:
            error = error_of(body)
            assert error["extensions"]["code"] == "RATE_LIMITED"
            assert error["extensions"]["retryAfter"] >= 1
        # Not starved: a read is served while the pool is full.
        seen = await accounts.client.data(
            "query($id: ID!) { user(id: $id) { nickname } }", {"id": user["user"]["id"]}
        )
        assert seen == {"user": {"nickname": "Newcomer"}}
        assert pool.admitted == 2
    finally:
        gate.set()
        await asyncio.gather(*holders)
    # Shed guesses were never judged, so they used none of the account's 2 failures.
    assert "errors" not in await _login(accounts, user["mobile"], "right4sure")


async def test_reads_are_served_while_argon2_runs(
    accounts_factory: Callable[..., Accounts],
) -> None:
    # Production-like Argon2 cost: each check takes a good fraction of a second.
    accounts = accounts_factory(
        password_workers=1, password_queue=4, password_time_cost=3, password_memory_kib=65_536
    )
    pool = accounts.runtime.service.passwords.pool
    attempts = [
        asyncio.create_task(_login(accounts, new_mobile(), "guess1guess")) for _ in range(3)
    ]
    for _ in range(5_000):
        if pool.admitted:
            break
        await asyncio.sleep(0.001)
    # With Argon2 on the event loop no other request could run while a check is in flight.
    answered = await accounts.client.data('{ user(id: "1") { id } }')
    in_flight_after = pool.admitted
    outcomes = _outcomes(list(await asyncio.gather(*attempts)))
    assert "user" in answered
    assert in_flight_after >= 1
    assert outcomes == {"UNAUTHENTICATED": 3}


async def test_a_known_device_signs_in_through_a_network_lockout(
    accounts_factory: Callable[..., Accounts],
) -> None:
    accounts = accounts_factory(login_failures_per_ip=3, code_resend_cooldown=1)
    owner = await accounts.register(password="owner4sure")
    neighbour = await accounts.register(password="neighbour4sure")
    device = f"device-{uuid.uuid4()}"
    assert "errors" not in await _login(
        accounts, owner["mobile"], "owner4sure", device, headers=NETWORK
    )
    # Someone on the same network burns the network's failures.
    for _ in range(3):
        await _login(accounts, new_mobile(), "guess1guess", headers=NETWORK)
    # The limit holds for anyone without a known device, and a made-up device id is not known.
    stranger = await _login(accounts, neighbour["mobile"], "neighbour4sure", headers=NETWORK)
    assert error_of(stranger)["extensions"]["code"] == "RATE_LIMITED"
    invented = await _login(
        accounts, neighbour["mobile"], "neighbour4sure", f"device-{uuid.uuid4()}", headers=NETWORK
    )
    assert error_of(invented)["extensions"]["code"] == "RATE_LIMITED"
    # The owner's device, known to the owner's account, is not locked out.
    known = await _login(accounts, owner["mobile"], "owner4sure", device, headers=NETWORK)
    assert known["data"]["login"]["user"]["id"] == owner["user"]["id"]
    # That device id is known for the owner's account only.
    borrowed = await _login(
        accounts, neighbour["mobile"], "neighbour4sure", device, headers=NETWORK
    )
    assert error_of(borrowed)["extensions"]["code"] == "RATE_LIMITED"
    # A valid code signs in on the locked network too.
    code = await accounts.request_code(neighbour["mobile"], "LOGIN")
    with_code = await accounts.client.execute(
        LOGIN_WITH_CODE, {"m": neighbour["mobile"], "c": code}, headers=NETWORK
    )
    assert with_code["data"]["loginWithCode"]["user"]["id"] == neighbour["user"]["id"]


async def test_guessing_at_an_account_does_not_lock_out_its_known_device(
    accounts: Accounts,
) -> None:
    owner = await accounts.register(password="owner4sure")
    device = f"device-{uuid.uuid4()}"
    assert "errors" not in await _login(accounts, owner["mobile"], "owner4sure", device)
    limit = accounts.settings.login_failures_per_mobile
    await asyncio.gather(*(_login(accounts, owner["mobile"], "guess1guess") for _ in range(limit)))
    locked = await _login(accounts, owner["mobile"], "owner4sure")
    assert error_of(locked)["extensions"]["code"] == "RATE_LIMITED"
    assert "errors" not in await _login(accounts, owner["mobile"], "owner4sure", device)
    # A known device guessing is limited in its own window.
    guesses = await asyncio.gather(
        *(_login(accounts, owner["mobile"], f"wrong{i}guess", device) for i in range(limit + 3))
    )
    assert _outcomes(guesses) == {"UNAUTHENTICATED": limit, "RATE_LIMITED": 3}


async def test_a_malformed_device_id_is_bad_input(accounts: Accounts) -> None:
    for device in (
        "short",
        "has spaces in it, sixteen+",
        "x" * 129,
        "设备标识符设备标识符设备标识符设备",
    ):
        body = await _login(accounts, new_mobile(), "guess1guess", device)
        assert error_of(body)["extensions"] == {"code": "BAD_USER_INPUT", "field": "deviceId"}


async def test_with_redis_down_parallel_guesses_are_still_limited_and_ready_says_so(
    accounts: Accounts, accounts_factory: Callable[..., Accounts]
) -> None:
    user = await accounts.register(password="right4sure")
    # A replica of the same service whose Redis is gone (nothing listens on port 1).
    cut_off = accounts_factory(redis_url="redis://127.0.0.1:1/0")
    guesses = [_login(cut_off, user["mobile"], f"wrong{i}guess") for i in range(20)]
    outcomes = _outcomes(list(await asyncio.gather(*guesses)))
    limit = cut_off.settings.login_failures_per_mobile
    assert outcomes == {"UNAUTHENTICATED": limit, "RATE_LIMITED": 20 - limit}
    ready = await cut_off.client.http.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert "rate limits are counted in each process" in ready.json()["degraded"][0]
