"""Journeys: a client's story told through the router to the real subgraphs.

The router (``create_router_app``) serves a supergraph composed from the
exported SDLs in ``schema/subgraphs/`` and reaches accounts, social and
articles in-process (``AsgiTransport``); the services reach each other over
real gRPC on ephemeral 127.0.0.1 ports, on MariaDB and Redis, with their
relays and consumers running.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from opentelemetry.trace import Tracer

from beyond.telemetry import instrumented, with_sampler
from composition import SubgraphSDL, compose
from router.config import RouterConfig
from router.http import create_router_app
from router.telemetry import RouterMetrics
from router.transport import AsgiTransport
from shared.lifecycle import Worker, running
from subgraphs.articles.app import workers as articles_workers
from subgraphs.social.app import workers as social_workers
from tests.subgraphs.accounts.conftest import (  # noqa: F401 (fixtures used here)
    accounts_factory,
    accounts_mysql_url,
    accounts_settings,
    new_mobile,
)
from tests.subgraphs.articles.conftest import (  # noqa: F401 (fixtures used here)
    Articles,
    articles_factory,
    articles_mysql_url,
    articles_settings,
)
from tests.subgraphs.social.conftest import (  # noqa: F401 (fixtures used here)
    social_factory,
    social_mysql_url,
    social_settings,
)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("accounts", "social", "articles")


@pytest.fixture
def backend() -> str:
    return "mariadb"


def supergraph_of(path: Path) -> Path:
    """Compose the checked-in subgraph SDLs (URLs are unused: the transport is in-process)."""
    sources = [
        SubgraphSDL(
            name,
            f"http://{name}.invalid/graphql",
            (ROOT / f"schema/subgraphs/{name}.graphql").read_text(),
        )
        for name in SERVICES
    ]
    result = compose(sources)
    assert result.supergraph_sdl is not None, result.errors
    path.write_text(result.supergraph_sdl)
    return path


@dataclass
class Graph:
    """The router in front of the three services, and a way to talk to it."""

    client: httpx.AsyncClient
    services: Articles

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
        code = self.services.social.accounts.sms.last_code(mobile)
        data = await self.data(
            """mutation($m: String!, $c: String!, $n: String!) {
                 register(mobile: $m, code: $c, password: "correct1horse", nickname: $n) {
                   accessToken user { id } } }""",
            m=mobile,
            c=code,
            n=nickname,
        )
        return data["register"]["user"]["id"], data["register"]["accessToken"]


@asynccontextmanager
async def serve_graph(
    tmp_path: Path,
    start: Callable[..., Any],
    *,
    event_workers: bool,
    metrics: RouterMetrics | None = None,
    tracer: Tracer | None = None,
) -> AsyncIterator[Graph]:
    """The graph; with ``metrics`` or ``tracer``, observed as ``beyond serve`` observes it."""
    services: Articles = await start()
    social = services.social
    apps = {"accounts": social.accounts.app, "social": social.app, "articles": services.app}
    router = create_router_app(
        RouterConfig(supergraph=supergraph_of(tmp_path / "supergraph.graphql")),
        transport=AsgiTransport(apps),
        metrics=metrics,
        tracer=tracer,
    )
    if metrics is not None or tracer is not None:
        for name, app in apps.items():
            instrumented(name, app, tracer)
    workers: list[Worker] = []
    for name, app, settings, build in (
        ("social", social.app, social.settings, social_workers),
        ("articles", services.app, services.settings, articles_workers),
    ):
        own = list(build(settings, app)) if event_workers else []
        workers += with_sampler(name, app, own) if metrics is not None else own
    async with (
        running(workers),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=router), base_url="http://router.test"
        ) as client,
    ):
        yield Graph(client, services)


@pytest.fixture
async def graph(
    tmp_path: Path,
    articles_factory: Callable[..., Any],  # noqa: F811
) -> AsyncIterator[Graph]:
    """The graph with every relay and consumer running, as in production."""
    async with serve_graph(tmp_path, articles_factory, event_workers=True) as served:
        yield served


@pytest.fixture
async def quiet_graph(
    tmp_path: Path,
    articles_factory: Callable[..., Any],  # noqa: F811
) -> AsyncIterator[Graph]:
    """The graph with no background work, so every statement counted is a request's own."""
    async with serve_graph(tmp_path, articles_factory, event_workers=False) as served:
        yield served
