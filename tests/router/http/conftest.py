"""Fixtures for the HTTP edge: the router app over the ``edge`` subgraph, in-process."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from router.config import parse_config
from router.http import create_router_app
from router.transport import AsgiTransport
from tests.router.http.edge import EDGE_SDL, Calls, RootFieldFront, edge_app


@pytest.fixture
def supergraph_file(tmp_path: Path) -> Path:
    path = tmp_path / "supergraph.graphql"
    path.write_text(EDGE_SDL)
    return path


@pytest.fixture
def make_client(supergraph_file: Path) -> Callable[..., Any]:
    """``async with make_client(**config) as client`` — the router app over in-process transports."""

    def make(transport: Any = None, **config: Any) -> httpx.AsyncClient:
        settings = dataclasses.replace(parse_config(config), supergraph=supergraph_file)
        app = create_router_app(
            settings,
            front=RootFieldFront(),
            transport=transport or AsgiTransport({"edge": edge_app()}),
        )
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://router.test"
        )
        client.router_app = app  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
async def client(make_client: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client() as client:
        yield client


@pytest.fixture
def edge_calls() -> type[Calls]:
    return Calls
