"""The graph on real sockets for chat: the router and chat replicas under uvicorn.

Every domain runs in-process as in :mod:`tests.support.graph` (the router
reaches their HTTP apps in-process), except that the router subscribes to
chat and notifications over real WebSockets, and clients reach the router over real
WebSocket and Server-Sent Events; the router serves the chat page at ``/chat``, as
``beyond dev`` does. :meth:`ChatGraph.replica` serves a second
chat process (its own runtime: its own Redis subscriber and pools) on the
same database and Redis, behind a router of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from sqlalchemy.engine import URL

from beyond.chat_page import chat_page_routes
from router.config import RouterConfig
from router.http import create_router_app
from router.transport import AsgiTransport
from router.transport.websocket import SubscriptionEndpoint, WebSocketSubscriptions, websocket_url
from shared.domain import create_app
from shared.lifecycle import running
from shared.tokens import AccessTokens
from subgraphs.accounts.runtime import build_runtime as build_accounts
from subgraphs.chat.domain import SPEC as CHAT
from tests.router.live_server import serving
from tests.support.domains import Domains, settings_for, started_domains
from tests.support.graph import Graph, supergraph_of
from tests.support.sms import RecordingSmsSender

TIMEOUT = 5.0
# The subgraphs with subscriptions, served on sockets of their own.
LIVE_SUBGRAPHS = ("chat", "notifications")


@dataclass
class ChatGraph:
    graph: Graph
    url: str
    supergraph: Path
    domains: Domains
    urls: dict[str, URL]
    redis_prefix: str
    stack: contextlib.AsyncExitStack

    def token(self, user_id: str, *, ttl: int) -> str:
        """An access token for ``user_id`` that expires in ``ttl`` seconds."""
        settings = self.domains.runtimes["chat"].settings
        return AccessTokens.from_settings(settings, ttl=ttl).issue(user_id)

    async def replica(self) -> str:
        """A second chat process behind a router of its own; that router's URL."""
        settings = settings_for(CHAT, self.urls["chat"], self.redis_prefix)
        runtime = CHAT.build_runtime(settings)
        self.stack.push_async_callback(runtime.aclose)
        app = create_app(CHAT, runtime)
        return await self.stack.enter_async_context(
            self._router({**self.domains.apps, "chat": app})
        )

    @contextlib.asynccontextmanager
    async def _router(self, apps: dict[str, FastAPI]) -> AsyncIterator[str]:
        async with contextlib.AsyncExitStack() as stack:
            endpoints = {
                name: SubscriptionEndpoint(
                    websocket_url(f"{await stack.enter_async_context(serving(apps[name]))}/graphql")
                )
                for name in LIVE_SUBGRAPHS
                if name in apps
            }
            subscriptions = WebSocketSubscriptions(endpoints)
            router = create_router_app(
                RouterConfig(supergraph=self.supergraph),
                transport=AsgiTransport(apps),
                subscriptions=subscriptions,
            )
            router.router.routes.extend(chat_page_routes())
            try:
                async with serving(router) as url:
                    yield url
            finally:
                await subscriptions.aclose()


@contextlib.asynccontextmanager
async def chat_graph(
    tmp_path: Path,
    urls: dict[str, URL],
    redis_prefix: str,
    *,
    without: frozenset[str] = frozenset(),
) -> AsyncIterator[ChatGraph]:
    """The graph, its supergraph composed without the subgraphs ``without`` names."""
    sms = RecordingSmsSender()
    builders = {"accounts": partial(build_accounts, sms=sms)}
    async with (
        contextlib.AsyncExitStack() as stack,
        started_domains(urls, redis_prefix, runtime_builders=builders) as domains,
        running(domains.workers),
    ):
        supergraph = supergraph_of(tmp_path / "supergraph.graphql", without=without)
        live = ChatGraph(
            Graph(None, domains, sms),  # type: ignore[arg-type]  # the client comes below
            "",
            supergraph,
            domains,
            urls,
            redis_prefix,
            stack,
        )
        live.url = await stack.enter_async_context(live._router(dict(domains.apps)))
        async with httpx.AsyncClient(base_url=live.url, timeout=TIMEOUT) as client:
            live.graph.client = client
            yield live
            await stack.aclose()


class EventStream:
    """A subscription over Server-Sent Events: each ``next`` event's payload, in order."""

    def __init__(self, response: httpx.Response) -> None:
        self._lines = response.aiter_lines()

    async def next(self) -> dict[str, Any]:
        async with asyncio.timeout(TIMEOUT):
            event = ""
            async for line in self._lines:
                if line.startswith("event:"):
                    event = line.removeprefix("event:").strip()
                elif line.startswith("data:") and event == "next":
                    payload: dict[str, Any] = orjson.loads(line.removeprefix("data:"))
                    return payload
        raise AssertionError("the event stream ended")


@contextlib.asynccontextmanager
async def event_stream(
    client: httpx.AsyncClient, query: str, token: str, **variables: Any
) -> AsyncIterator[EventStream]:
    headers = {"Accept": "text/event-stream", "Authorization": f"Bearer {token}"}
    async with client.stream(
        "POST", "/graphql", json={"query": query, "variables": variables}, headers=headers
    ) as response:
        assert response.status_code == 200, await response.aread()
        yield EventStream(response)
