"""Subgraph replicas from etcd: a new one takes traffic, a dead one costs no query, mutations go once."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from router.config import ConfigError, parse_config
from router.transport import HttpTransport, SubgraphRequest, TransportError
from router.transport.balanced import BalancedTransport
from shared.registry.discovery import Discovery
from shared.registry.etcd import service_prefix
from shared.registry.p2c import P2C
from tests.router.live_server import serving
from tests.support.etcd import EtcdServer
from tests.support.polling import eventually


def _replica(name: str, calls: list[str]) -> Starlette:
    async def graphql(request: Request) -> Response:
        calls.append(name)
        return JSONResponse({"data": {"replica": name}})

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


QUERY = SubgraphRequest(query="{ replica }")
MUTATION = SubgraphRequest(query="mutation { pay }")


async def test_replicas_come_and_go_without_failing_a_query(etcd: EtcdServer) -> None:
    service = f"articles{uuid.uuid4().hex[:8]}"
    prefix = service_prefix(service, "graphql")
    calls: list[str] = []
    registry = etcd.endpoint.client()
    await registry.connect()
    balancer = P2C()
    discovery = Discovery(etcd.endpoint, prefix, on_change=balancer.update)
    http = HttpTransport({}, default_timeout=2)
    transport = BalancedTransport(http, {service: balancer})
    await discovery.start()
    try:
        with pytest.raises(TransportError, match="no replica"):
            await transport.fetch(service, QUERY)
        async with contextlib.AsyncExitStack() as replicas:
            url_a = await replicas.enter_async_context(
                serving(_replica("a", calls), path="/graphql")
            )
            await registry.put(f"{prefix}a".encode(), url_a.encode())
            await eventually(lambda: balancer.addresses == {url_a})
            assert (await transport.fetch(service, QUERY)).data == {"replica": "a"}

            url_b = await replicas.enter_async_context(
                serving(_replica("b", calls), path="/graphql")
            )
            await registry.put(f"{prefix}b".encode(), url_b.encode())
            await eventually(lambda: balancer.addresses == {url_a, url_b})
            for _ in range(40):
                await transport.fetch(service, QUERY)
            assert calls.count("b") > 0  # the new replica takes traffic

        # Both replicas are gone but still registered (killed, leases not yet expired):
        # a third one answers every query; a mutation is tried once and reported.
        async with serving(_replica("c", calls), path="/graphql") as url_c:
            await registry.put(f"{prefix}c".encode(), url_c.encode())
            await eventually(lambda: len(balancer.addresses) == 3)
            calls.clear()
            answers = [(await transport.fetch(service, QUERY)).data for _ in range(30)]
            assert answers == [{"replica": "c"}] * 30
            mutation_failures = 0
            for _ in range(30):
                try:
                    await transport.fetch(service, MUTATION)
                except TransportError:
                    mutation_failures += 1
            assert calls.count("c") == 30 + (30 - mutation_failures)
            assert mutation_failures > 0
    finally:
        await discovery.stop()
        await registry.close()
        await http.aclose()


def test_discovery_is_configured_per_subgraph_and_needs_a_registry() -> None:
    config = parse_config(
        {
            "registry": {"etcd": "http://127.0.0.1:2379"},
            "subgraphs": {"articles": {"discovery": "etcd"}, "accounts": {}},
        }
    )
    assert config.discovered() == ["articles"]
    assert config.registry_etcd == "http://127.0.0.1:2379"
    with pytest.raises(ConfigError, match=r"needs \[registry\] etcd"):
        parse_config({"subgraphs": {"articles": {"discovery": "etcd"}}})
    with pytest.raises(ConfigError, match="discovery must be"):
        parse_config({"subgraphs": {"articles": {"discovery": "dns"}}})
