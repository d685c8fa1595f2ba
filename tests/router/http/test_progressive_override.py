"""Progressive ``@override``: labels rolled per request or switched on by configuration."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from beyond.cli import main
from router.config import RouterConfig, parse_config
from router.http import create_router_app
from router.http.override_labels import OverrideLabels
from router.transport import AsgiTransport
from tests.router.http.compose import ROLLOUT_SUPERGRAPH
from tests.router.rollout import rollout_apps

QUERY = "{ items { id rating stars } }"
LEGACY, RATINGS = 1, 5  # what each subgraph answers for a field it serves


@contextlib.asynccontextmanager
async def rollout_router(config: RouterConfig) -> AsyncIterator[httpx.AsyncClient]:
    config = dataclasses.replace(config, supergraph=ROLLOUT_SUPERGRAPH)
    app = create_router_app(config, transport=AsgiTransport(rollout_apps()))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://router.test"
    ) as client:
        yield client


async def _ratings(client: httpx.AsyncClient, field: str, requests: int) -> list[set[int]]:
    """Per request, the set of values ``field`` had across the items."""
    seen = []
    for _ in range(requests):
        body = (await client.post("/graphql", json={"query": QUERY})).json()
        assert "errors" not in body, body
        seen.append({item[field] for item in body["data"]["items"]})
    return seen


async def test_a_percent_label_moves_the_field_for_some_requests_never_half_a_request() -> None:
    async with rollout_router(RouterConfig()) as client:
        per_request = await _ratings(client, "rating", 64)
    # Each request is planned whole with its label on or off ...
    assert all(len(values) == 1 for values in per_request)
    # ... and with percent(50) both sides serve some of 64 requests (a miss is 2 in 2^64).
    assert {value for values in per_request for value in values} == {LEGACY, RATINGS}


async def test_a_plain_label_stays_off_until_the_configuration_switches_it_on() -> None:
    async with rollout_router(RouterConfig()) as client:
        assert await _ratings(client, "stars", 8) == [{LEGACY}] * 8
    switched_on = parse_config({"router": {"override_labels": ["use-ratings"]}})
    async with rollout_router(switched_on) as client:
        assert await _ratings(client, "stars", 8) == [{RATINGS}] * 8


def test_labels_are_rolled_from_the_supergraphs_own_labels() -> None:
    labels = OverrideLabels.of(
        frozenset({"percent(25)", "percent(0.5)", "use-ratings", "dark-launch"}),
        configured=frozenset({"use-ratings", "not-in-the-supergraph"}),
    )
    assert labels.roll(chance=lambda: 0.999) == {"use-ratings"}
    assert labels.roll(chance=lambda: 0.2) == {"use-ratings", "percent(25)"}
    assert labels.roll(chance=lambda: 0.0) == {"use-ratings", "percent(25)", "percent(0.5)"}


def test_explain_plans_with_the_labels_it_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    query = tmp_path / "stars.graphql"
    query.write_text("{ items { stars } }")
    explain = ["router", "explain", "--supergraph", str(ROLLOUT_SUPERGRAPH), str(query)]
    assert main(explain) == 0
    assert '"ratings"' not in capsys.readouterr().out
    assert main([*explain, "--override-label", "use-ratings"]) == 0
    assert 'Fetch(service: "ratings")' in capsys.readouterr().out
