"""The @policy evaluator client: failures logged without a line per request, questions
counted, timed and traced when the router measures itself."""

from __future__ import annotations

import asyncio
import logging
import socket

import pytest
from prometheus_client import REGISTRY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from router.config import PolicyEvaluatorConfig
from router.http.policy_evaluator import FailureLog, PolicyEvaluator
from router.telemetry.measured import ObservedPolicyEvaluator
from tests.router.live_server import serving
from tests.support.tracing import provider, recording

POLICIES = frozenset({"hr", "audit"})


def nobody() -> str:
    """A URL on a loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/policies"


def evaluations(outcome: str) -> float:
    value = REGISTRY.get_sample_value(
        "beyond_router_policy_evaluations_total", {"outcome": outcome}
    )
    return value or 0.0


async def grant_hr(request: Request) -> JSONResponse:
    return JSONResponse({"satisfied": ["hr"]})


async def test_a_down_evaluator_satisfies_nothing_and_logs_one_line_for_a_burst(
    caplog: pytest.LogCaptureFixture,
) -> None:
    evaluator = PolicyEvaluator(PolicyEvaluatorConfig(url=nobody(), timeout=1.0))
    caplog.set_level(logging.WARNING, logger="router.http")
    try:
        answers = await asyncio.gather(
            *(evaluator.satisfied(POLICIES, {"sub": "u1"}) for _ in range(200))
        )
        more = [await evaluator.satisfied(POLICIES, None) for _ in range(20)]
    finally:
        await evaluator.aclose()
    assert set(answers) == set(more) == {frozenset()}
    lines = [r.getMessage() for r in caplog.records if r.name == "router.http"]
    assert len(lines) == 1, lines
    assert "gave no answer, no policy satisfied" in lines[0]


def test_the_line_after_a_quiet_spell_counts_the_failures_it_did_not_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    failures = FailureLog("http://evaluator/policies", 10.0, clock=lambda: now[0])
    caplog.set_level(logging.WARNING, logger="router.http")
    for moment in (100.0, 101.0, 105.0, 109.9, 110.0, 111.0, 125.0):
        now[0] = moment
        failures.failed("HTTP 503")
    lines = [r.getMessage() for r in caplog.records if r.name == "router.http"]
    assert lines == [
        "policy evaluator http://evaluator/policies gave no answer, no policy satisfied: HTTP 503",
        "policy evaluator http://evaluator/policies gave no answer, no policy satisfied: HTTP 503"
        " (3 more since the last line)",
        "policy evaluator http://evaluator/policies gave no answer, no policy satisfied: HTTP 503"
        " (1 more since the last line)",
    ]


async def test_observed_questions_are_counted_by_outcome_and_traced_without_claims() -> None:
    app = Starlette(routes=[Route("/policies", grant_hr, methods=["POST"])])
    tracer = provider().get_tracer("tests")
    answered, failed = evaluations("answered"), evaluations("failed")
    async with serving(app, path="/policies") as url:
        up = ObservedPolicyEvaluator(PolicyEvaluatorConfig(url=url), timed=True, tracer=tracer)
        down = ObservedPolicyEvaluator(
            PolicyEvaluatorConfig(url=nobody()), timed=True, tracer=tracer
        )
        with recording() as exporter:
            try:
                assert await up.satisfied(POLICIES, {"sub": "u1", "secret": "s3"}) == {"hr"}
                assert await down.satisfied(POLICIES, {"sub": "u1"}) == frozenset()
            finally:
                await up.aclose()
                await down.aclose()
            spans = [s for s in exporter.get_finished_spans() if s.name == "policy evaluation"]
    assert evaluations("answered") == answered + 1
    assert evaluations("failed") == failed + 1
    assert len(spans) == 2
    for span in spans:
        assert dict(span.attributes or {}) == {"beyond.policies": 2}
