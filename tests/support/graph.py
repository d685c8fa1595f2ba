"""The graph for a test: the router in front of every discovered domain.

The router (``create_router_app``) serves a supergraph composed from the
exported SDLs in ``schema/subgraphs/`` and reaches every discovered domain
in-process (``AsgiTransport``); the domains reach each other over real gRPC
on ephemeral 127.0.0.1 ports, on MariaDB and Redis, with their relays and
consumers running. Journeys (``tests/journeys``) and each domain's own router
test import the fixtures from here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.trace import Tracer
from sqlalchemy.engine import URL

from beyond.domains import discover
from beyond.telemetry import instrumented
from composition import SubgraphSDL, compose
from router.config import AuthenticationConfig, RouterConfig
from router.http import create_router_app
from router.telemetry import RouterMetrics
from router.transport import AsgiTransport
from shared.lifecycle import running
from shared.telemetry.sampler import BacklogSampler
from subgraphs.accounts.runtime import build_runtime as build_accounts
from tests.conftest import MySQLDatabases
from tests.subgraphs.accounts.conftest import new_mobile
from tests.support.domains import JWT_SECRET, Domains, started_domains
from tests.support.sms import RecordingSmsSender

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain_urls(mysql_databases: MySQLDatabases) -> dict[str, URL]:
    """A migrated MariaDB database for every discovered domain, apart from the ones the
    domains' own tests use (the graph's relays would take their outbox rows)."""
    return {
        name: mysql_databases.create(f"{name}_graph", spec.migrations)
        for name, spec in discover().items()
    }


def supergraph_of(path: Path, *, without: frozenset[str] = frozenset()) -> Path:
    """Compose the checked-in subgraph SDLs, but those ``without`` names (URLs are unused:
    the transport is in-process)."""
    sources = [
        SubgraphSDL(
            name,
            f"http://{name}.invalid/graphql",
            (ROOT / f"schema/subgraphs/{name}.graphql").read_text(),
        )
        for name in discover()
        if name not in without
    ]
    result = compose(sources)
    assert result.supergraph_sdl is not None, result.errors
    path.write_text(result.supergraph_sdl)
    return path


@dataclass
class Graph:
    """The router in front of every domain, and a way to talk to it."""

    client: httpx.AsyncClient
    domains: Domains
    sms: RecordingSmsSender

    async def execute(self, query: str, token: str | None = None, **variables: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        return response.json()

    async def data(self, query: str, token: str | None = None, **variables: Any) -> Any:
        body = await self.execute(query, token, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def register(self, nickname: str) -> tuple[str, str]:
        """Sign up through the router with an SMS code; return (user id, access token)."""
        mobile = new_mobile()
        await self.data(
            "mutation($m: String!) { requestVerificationCode(mobile: $m, purpose: REGISTER) { expiresIn } }",
            m=mobile,
        )
        data = await self.data(
            """mutation($m: String!, $c: String!, $n: String!) {
                 register(mobile: $m, code: $c, password: "correct1horse", nickname: $n) {
                   accessToken user { id } } }""",
            m=mobile,
            c=self.sms.last_code(mobile),
            n=nickname,
        )
        return data["register"]["user"]["id"], data["register"]["accessToken"]


TEST_AUTHENTICATION = AuthenticationConfig(
    jwt_secret=JWT_SECRET, jwt_issuer="beyond", jwt_audience="beyond"
)
"""The router's token check, with the key the test domains sign with."""


@asynccontextmanager
async def serve_graph(
    tmp_path: Path,
    urls: dict[str, URL],
    redis_prefix: str,
    *,
    event_workers: bool,
    metrics: RouterMetrics | None = None,
    tracer: Tracer | None = None,
    authenticate: bool = False,
) -> AsyncIterator[Graph]:
    """The graph; with ``metrics`` or ``tracer``, observed as ``beyond serve`` observes it
    (and, with ``metrics`` and ``event_workers``, each domain's backlog sampled); with
    ``authenticate``, the router verifies tokens itself and enforces ``@requiresScopes``."""
    sms = RecordingSmsSender()
    async with started_domains(
        urls, redis_prefix, runtime_builders={"accounts": partial(build_accounts, sms=sms)}
    ) as domains:
        authentication = TEST_AUTHENTICATION if authenticate else None
        router = create_router_app(
            RouterConfig(
                supergraph=supergraph_of(tmp_path / "supergraph.graphql"),
                authentication=authentication,
            ),
            transport=AsgiTransport(domains.apps),
            metrics=metrics,
            tracer=tracer,
        )
        workers = list(domains.workers) if event_workers else []
        if metrics is not None or tracer is not None:
            for name, runtime in domains.runtimes.items():
                instrumented(name, domains.apps[name], runtime, tracer)
                spec = discover()[name]
                if metrics is not None and event_workers and spec.workers is not None:
                    # Built only to name the domain's streams and groups; never started.
                    sampled = spec.workers(runtime)
                    sampler = BacklogSampler.of(name, runtime.database, runtime.redis, sampled)
                    workers += [sampler] if sampler else []
        async with (
            running(workers),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=router), base_url="http://router.test"
            ) as client,
        ):
            yield Graph(client, domains, sms)


@pytest.fixture
async def graph(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[Graph]:
    """The graph with every relay and consumer running, as in production."""
    async with serve_graph(tmp_path, domain_urls, redis_prefix, event_workers=True) as served:
        yield served


@pytest.fixture
async def quiet_graph(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[Graph]:
    """The graph with no background work, so every statement counted is a request's own."""
    async with serve_graph(tmp_path, domain_urls, redis_prefix, event_workers=False) as served:
        yield served


@pytest.fixture
async def authenticated_graph(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[Graph]:
    """The graph with its workers, the router verifying tokens and their scopes."""
    async with serve_graph(
        tmp_path, domain_urls, redis_prefix, event_workers=True, authenticate=True
    ) as served:
        yield served
