"""The graph on real sockets: every domain and the router served by uvicorn on its own port.

For what the in-process graph (:mod:`tests.support.graph`) cannot carry:
subscriptions, which reach the client over WebSocket or Server-Sent Events
and the subgraph over WebSocket. The router uses its production transports
(aiohttp over HTTP, WebSocket to subgraphs); relays and consumers run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL

from router.http import create_router_app
from shared.lifecycle import running
from subgraphs.accounts.runtime import build_runtime as build_accounts
from tests.router.http.live_federation import router_config, serve_subgraphs
from tests.router.live_server import serving
from tests.support.domains import started_domains
from tests.support.graph import TEST_AUTHENTICATION, Graph, supergraph_of
from tests.support.sms import RecordingSmsSender


@dataclass
class LiveGraph(Graph):
    """:class:`~tests.support.graph.Graph` over HTTP, with the router's address for sockets."""

    url: str = ""


@asynccontextmanager
async def serve_live_graph(
    tmp_path: Path, urls: dict[str, URL], redis_prefix: str, *, authenticate: bool = False
) -> AsyncIterator[LiveGraph]:
    """The live graph; with ``authenticate``, the router verifies tokens itself and enforces
    ``@requiresScopes``."""
    sms = RecordingSmsSender()
    async with (
        started_domains(
            urls, redis_prefix, runtime_builders={"accounts": partial(build_accounts, sms=sms)}
        ) as domains,
        AsyncExitStack() as stack,
    ):
        subgraph_urls = await serve_subgraphs(stack, domains.apps)
        config = router_config(supergraph_of(tmp_path / "supergraph.graphql"), subgraph_urls)
        if authenticate:
            config = dataclasses.replace(config, authentication=TEST_AUTHENTICATION)
        router_url = await stack.enter_async_context(serving(create_router_app(config)))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=router_url, timeout=10))
        async with running(list(domains.workers)):
            yield LiveGraph(client, domains, sms, url=router_url)


@pytest.fixture
async def live_graph(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[LiveGraph]:
    async with serve_live_graph(tmp_path, domain_urls, redis_prefix) as served:
        yield served


@pytest.fixture
async def authenticated_live_graph(
    tmp_path: Path, domain_urls: dict[str, URL], redis_prefix: str
) -> AsyncIterator[LiveGraph]:
    async with serve_live_graph(tmp_path, domain_urls, redis_prefix, authenticate=True) as served:
        yield served
