"""Whose X-Forwarded-For counts: the router's trusted proxies, and for subgraphs the router alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from router.config import ConfigError, parse_config
from router.http.client_address import Edge
from shared.graphql.context import client_ip_of
from tests.router.live_server import serving

EDGE = "{ edgeHeaders routerSecret }"
SECRET = "s3cret-shared-with-subgraphs"


async def _edge(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": EDGE}, headers=headers)
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_a_client_on_the_same_host_cannot_choose_its_address(
    make_client: Callable[..., Any],
) -> None:
    """Over real uvicorn, from loopback: uvicorn's own default would have believed the header."""
    async with make_client() as client:
        app = client.router_app
    async with serving(app, path="/graphql") as url, httpx.AsyncClient() as real:
        response = await real.post(
            url, json={"query": EDGE}, headers={"x-forwarded-for": "203.0.113.9"}
        )
    assert "x-forwarded-for=127.0.0.1" in response.json()["data"]["edgeHeaders"]


async def test_only_a_trusted_proxy_s_header_counts(make_client: Callable[..., Any]) -> None:
    spoofed = {"x-forwarded-for": "203.0.113.9, 10.1.2.3"}
    async with make_client() as client:
        assert "x-forwarded-for=127.0.0.1" in (await _edge(client, spoofed))["edgeHeaders"]
    trusted = {"trusted_proxies": ["127.0.0.1", "10.0.0.0/8"]}
    async with make_client(server=trusted) as client:
        assert "x-forwarded-for=203.0.113.9" in (await _edge(client, spoofed))["edgeHeaders"]


@pytest.mark.parametrize(
    ("forwarded", "client"),
    [
        ("198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the rightmost untrusted hop
        ("203.0.113.9, 10.0.0.7, 10.0.0.8", "203.0.113.9"),  # past trusted hops
        ("10.0.0.7", "10.0.0.7"),  # only trusted hops: the first
        ("not-an-address", "not-an-address"),
    ],
)
def test_the_forwarded_chain_is_read_from_the_right(forwarded: str, client: str) -> None:
    edge = Edge(["127.0.0.1", "10.0.0.0/8"])
    assert edge.client_address("127.0.0.1", forwarded) == client
    assert edge.client_address("192.0.2.1", forwarded) == "192.0.2.1"


def test_trusted_proxies_must_be_addresses() -> None:
    with pytest.raises(ConfigError, match="not an IP address or network"):
        parse_config({"server": {"trusted_proxies": ["localhost"]}})


async def test_the_router_proves_itself_to_subgraphs_and_never_forwards_a_client_s_secret(
    make_client: Callable[..., Any],
) -> None:
    claimed = {"x-beyond-router-secret": "guessed-by-a-client"}
    async with make_client(headers={"propagate": ["x-beyond-router-secret"]}) as client:
        assert (await _edge(client, claimed))["routerSecret"] is None
    async with make_client(server={"router_secret": SECRET}) as client:
        assert (await _edge(client, claimed))["routerSecret"] == SECRET


def _subgraph_request(peer: str, headers: dict[str, str]) -> Request:
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    return Request({"type": "http", "client": (peer, 5000), "headers": raw})


@pytest.mark.parametrize(
    ("headers", "address"),
    [
        ({"x-forwarded-for": "203.0.113.9"}, "127.0.0.1"),
        ({"x-forwarded-for": "203.0.113.9", "x-beyond-router-secret": "wrong"}, "127.0.0.1"),
        ({"x-forwarded-for": "203.0.113.9", "x-beyond-router-secret": SECRET}, "203.0.113.9"),
    ],
)
def test_subgraphs_believe_only_the_router_s_secret_not_a_local_peer(
    headers: dict[str, str], address: str
) -> None:
    assert client_ip_of(_subgraph_request("127.0.0.1", headers), SECRET) == address
    assert client_ip_of(_subgraph_request("127.0.0.1", headers), None) == "127.0.0.1"
