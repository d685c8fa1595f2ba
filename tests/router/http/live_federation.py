"""Subgraph apps and our router over real HTTP, each on its own 127.0.0.1 port.

:func:`federation` runs a whole graph behind our router and logs, on the
subgraph side, every request the router makes (:mod:`tests.router.request_log`).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from router.config import RouterConfig, parse_config
from router.http import create_router_app
from tests.router.live_server import serving
from tests.router.request_log import RequestLog


async def serve_subgraphs(
    stack: contextlib.AsyncExitStack, apps: Mapping[str, Any]
) -> dict[str, str]:
    """Serve every app until ``stack`` closes; their ``/graphql`` URLs by subgraph name."""
    return {
        name: await stack.enter_async_context(serving(app, path="/graphql"))
        for name, app in apps.items()
    }


def router_config(
    supergraph: Path, urls: Mapping[str, str], tables: Mapping[str, Any] | None = None
) -> RouterConfig:
    """The router's config for ``supergraph`` with each subgraph's URL overridden; ``tables`` as TOML.

    Introspection (as in Apollo Gateway, which the differential tests compare
    with) and printed plans are on unless ``tables`` says otherwise; a
    ``subgraphs`` table adds its settings to each subgraph's URL.
    """
    per_subgraph = (tables or {}).get("subgraphs", {})
    subgraphs = {name: {**per_subgraph.get(name, {}), "url": url} for name, url in urls.items()}
    raw = {**(tables or {}), "subgraphs": subgraphs}
    raw["router"] = {"introspection": True, "expose_query_plan": True, **raw.get("router", {})}
    return dataclasses.replace(parse_config(raw), supergraph=supergraph)


@dataclass(frozen=True, slots=True)
class Answer:
    """The router's response to one operation and the subgraph requests it made for it."""

    status: int
    body: dict[str, Any]
    asked: RequestLog
    headers: httpx.Headers = field(default_factory=httpx.Headers)


@dataclass(frozen=True, slots=True)
class Federation:
    """Our router over real HTTP in front of subgraphs that log what they are asked."""

    client: httpx.AsyncClient
    log: RequestLog

    async def ask(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        self.log.clear()
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"accept": "application/graphql-response+json", **(headers or {})},
        )
        return Answer(
            response.status_code,
            response.json(),
            RequestLog(list(self.log.calls)),
            response.headers,
        )


@contextlib.asynccontextmanager
async def federation(
    apps: Mapping[str, Any], supergraph: Path, tables: Mapping[str, Any] | None = None
) -> AsyncIterator[Federation]:
    """Each subgraph app and the router on its own port, for as long as the context lasts.

    ``tables`` are configuration tables (as TOML reads them) beside the subgraph URLs.
    """
    log = RequestLog()
    async with contextlib.AsyncExitStack() as stack:
        urls = await serve_subgraphs(
            stack, {name: log.wrap(name, app) for name, app in apps.items()}
        )
        app = create_router_app(router_config(supergraph, urls, tables))
        router_url = await stack.enter_async_context(serving(app))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=router_url, timeout=10))
        yield Federation(client, log)
