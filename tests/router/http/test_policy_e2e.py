"""@policy through the router over real HTTP, decided by a policy evaluator served on its own port.

The vault graph (tests/router/vault.py): ``User.salary`` needs the policy
``hr`` (or ``payroll`` and ``audit``), ``User.notes`` the scope
``read:private`` and the policy ``support``, the type ``Dossier`` the policy
``clearance``. The evaluator here grants a token the policies its
``granted`` claim lists, and logs what it is asked; claims can also make
it slow, fail or answer too much.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.router.http.compose import VAULT_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.http.sockets import socket as websocket
from tests.router.http.test_authorization_e2e import (
    AUTHENTICATION,
    subscribe,
    token,
    unauthorized,
)
from tests.router.live_server import serving
from tests.router.vault import vault_apps

SLOW_SECONDS = 3.0
TIMEOUT = 0.5
MAX_BYTES = 1024


@dataclass
class Evaluator:
    """A policy evaluator that grants what a token's ``granted`` claim lists."""

    asked: list[dict[str, Any]] = field(default_factory=list)

    async def decide(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        self.asked.append(body)
        claims = body["claims"] or {}
        if claims.get("behaviour") == "slow":
            await asyncio.sleep(SLOW_SECONDS)
        if claims.get("behaviour") == "fail":
            return JSONResponse({"error": "down for maintenance"}, status_code=503)
        if claims.get("behaviour") == "huge":
            return JSONResponse({"satisfied": body["policies"], "padding": "x" * MAX_BYTES})
        granted = claims.get("granted", [])
        return JSONResponse({"satisfied": [*granted, "never-asked-about"]})


@contextlib.asynccontextmanager
async def policed(url: str | None) -> AsyncIterator[Federation]:
    tables: dict[str, Any] = dict(AUTHENTICATION)
    if url is not None:
        tables["policy_evaluator"] = {
            "url": url,
            "timeout": TIMEOUT,
            "max_response_bytes": MAX_BYTES,
        }
    async with federation(vault_apps(), VAULT_SUPERGRAPH, tables) as running:
        yield running


@pytest.fixture(scope="module")
async def evaluator() -> AsyncIterator[tuple[Evaluator, str]]:
    decisions = Evaluator()
    app = Starlette(routes=[Route("/policies", decisions.decide, methods=["POST"])])
    async with serving(app, path="/policies") as url:
        yield decisions, url


@pytest.fixture(scope="module")
async def vault(evaluator: tuple[Evaluator, str]) -> AsyncIterator[Federation]:
    async with policed(evaluator[1]) as running:
        yield running


def salaries(salary: int | None) -> dict[str, Any]:
    """Both users' names and salaries (the same for each)."""
    return {"users": [{"name": name, "salary": salary} for name in ("Ada", "Grace")]}


async def test_a_policy_is_satisfied_for_one_token_and_not_another(
    vault: Federation, evaluator: tuple[Evaluator, str]
) -> None:
    decisions, _ = evaluator
    query = "{ users { name salary } }"
    decisions.asked.clear()
    hr = await vault.ask(query, headers=token(granted=["hr"]))
    assert hr.body == {"data": salaries(2000)}
    assert "salary" in hr.asked.to("billing")[0].fields
    [request] = decisions.asked
    assert request["policies"] == ["audit", "hr", "payroll"]
    assert request["claims"]["sub"] == "u1"
    assert request["claims"]["granted"] == ["hr"]

    other = await vault.ask(query, headers=token(sub="u2", granted=["support"]))
    assert other.status == 200
    assert other.body == {
        "errors": [unauthorized("users", "@", "salary")],
        "data": salaries(None),
    }
    # The private field never reaches the other user: billing is not even asked.
    assert other.asked.services() == ["accounts"]

    both = await vault.ask(query, headers=token(granted=["payroll", "audit"]))
    assert both.body == hr.body


async def test_the_evaluator_is_asked_only_about_what_the_operation_names(
    vault: Federation, evaluator: tuple[Evaluator, str]
) -> None:
    decisions, _ = evaluator
    decisions.asked.clear()
    answer = await vault.ask("{ users { name plan } motto }", headers=token(granted=["hr"]))
    assert "errors" not in answer.body
    assert decisions.asked == []
    await vault.ask("{ dossier { summary } }")
    assert decisions.asked == [{"policies": ["clearance"], "claims": None}]


async def test_an_anonymous_request_gets_what_the_evaluator_grants_it(
    vault: Federation,
) -> None:
    answer = await vault.ask("{ dossier { summary } }")
    assert answer.body == {"errors": [unauthorized("dossier")], "data": {"dossier": None}}
    granted = await vault.ask("{ dossier { summary } }", headers=token(granted=["clearance"]))
    assert granted.body == {"data": {"dossier": {"summary": "classified"}}}


async def test_a_field_with_a_scope_and_a_policy_needs_both(vault: Federation) -> None:
    query = "{ me { notes } }"
    policy_only = await vault.ask(query, headers=token(granted=["support"]))
    scope_only = await vault.ask(query, headers=token("read:private"))
    for answer in (policy_only, scope_only):
        assert answer.body == {"errors": [unauthorized("me", "notes")], "data": {"me": None}}
        assert answer.asked.calls == []
    both = await vault.ask(query, headers=token("read:private", granted=["support"]))
    assert both.body == {"data": {"me": {"notes": "Ada called support"}}}


async def test_the_plan_cache_keeps_apart_what_different_policies_allow(
    vault: Federation,
) -> None:
    query = "{ users { salary } }"
    for _ in range(2):
        allowed = await vault.ask(query, headers=token(granted=["hr"]))
        refused = await vault.ask(query, headers=token(granted=[]))
        assert "errors" not in allowed.body
        assert refused.body["errors"] == [unauthorized("users", "@", "salary")]


async def test_concurrent_requests_each_see_what_their_own_policies_allow(
    vault: Federation,
) -> None:
    query = "{ users { name salary } }"
    grants = [["hr"] if i % 2 else ["support"] for i in range(12)]
    answers = await asyncio.gather(
        *(
            vault.client.post("/graphql", json={"query": query}, headers=token(granted=g))
            for g in grants
        )
    )
    for granted, answer in zip(grants, answers, strict=True):
        body = answer.json()
        if granted == ["hr"]:
            assert body == {"data": salaries(2000)}
        else:
            assert body["data"] == salaries(None)


async def test_a_websocket_operation_is_decided_with_the_connections_token(
    vault: Federation, evaluator: tuple[Evaluator, str]
) -> None:
    decisions, _ = evaluator
    decisions.asked.clear()
    async with websocket(str(vault.client.base_url)) as ws:
        await ws.init(token(granted=["clearance"]))
        await ws.send(subscribe("{ dossier { summary } }"))
        assert (await ws.receive())["payload"] == {"data": {"dossier": {"summary": "classified"}}}
    [request] = decisions.asked
    assert request["claims"]["granted"] == ["clearance"]


@pytest.mark.parametrize("behaviour", ["slow", "fail", "huge"])
async def test_an_evaluator_that_cannot_answer_satisfies_no_policy(
    vault: Federation, behaviour: str
) -> None:
    started = time.monotonic()
    answer = await vault.ask(
        "{ users { name salary } }", headers=token(granted=["hr"], behaviour=behaviour)
    )
    assert time.monotonic() - started < SLOW_SECONDS
    assert answer.status == 200
    assert answer.body == {
        "errors": [unauthorized("users", "@", "salary")],
        "data": salaries(None),
    }
    assert answer.asked.services() == ["accounts"]


async def test_with_the_evaluator_down_the_fields_are_removed_and_the_rest_answered() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{sock.getsockname()[1]}/policies"
    async with policed(nobody) as down:
        answer = await down.ask("{ motto users { name salary } }", headers=token(granted=["hr"]))
    assert answer.status == 200
    assert answer.body == {
        "errors": [unauthorized("users", "@", "salary")],
        "data": {"motto": "open by default", **salaries(None)},
    }


async def test_without_an_evaluator_no_policy_is_satisfied() -> None:
    async with policed(None) as unjudged:
        answer = await unjudged.ask(
            "{ motto dossier { summary } }", headers=token(granted=["clearance"])
        )
    assert answer.body == {
        "errors": [unauthorized("dossier")],
        "data": {"motto": "open by default", "dossier": None},
    }
