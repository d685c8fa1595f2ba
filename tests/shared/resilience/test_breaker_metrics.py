"""Breaker state in the metrics: an open gRPC breaker and a router subgraph breaker, as scraped."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from router.transport import TransportError
from router.transport.breaker import BreakerTransport
from router.transport.types import SubgraphRequest, SubgraphResponse
from shared.grpc import ServiceUnavailable, create_channel
from shared.resilience.breaker import live_breakers
from shared.resilience.errors import BreakerOpen
from shared.telemetry.resilience import register_resilience_metrics
from tests.shared.grpc import echo_pb2, echo_pb2_grpc
from tests.support.net import free_port


def _scrape() -> dict[tuple[str, str, str, str], float]:
    registry = CollectorRegistry()
    register_resilience_metrics(registry)
    register_resilience_metrics(registry)  # once, however often asked
    samples = {}
    for line in generate_latest(registry).decode().splitlines():
        if line.startswith("beyond_breaker"):
            name, _, value = line.rpartition(" ")
            metric, _, labels = name.partition("{")
            parts = dict(part.split("=", 1) for part in labels.rstrip("}").split(","))
            key = (metric, *(parts[label].strip('"') for label in ("kind", "peer", "endpoint")))
            samples[key] = float(value)
    return samples  # type: ignore[return-value]


async def test_an_open_grpc_breaker_shows_in_the_metrics_with_its_endpoint() -> None:
    target = f"127.0.0.1:{free_port()}"
    channel = create_channel(target, service="nowhere", deadline=1)
    stub = echo_pb2_grpc.EchoStub(channel)
    for _ in range(100):
        with pytest.raises((ServiceUnavailable, BreakerOpen)):
            await stub.Say(echo_pb2.SayRequest(text="hi"))
    samples = _scrape()
    await channel.close()
    assert samples[("beyond_breaker_open", "grpc", "nowhere", target)] == 1.0
    assert samples[("beyond_breaker_drop_ratio", "grpc", "nowhere", target)] > 0.5
    assert samples[("beyond_breaker_dropped_total", "grpc", "nowhere", target)] > 50


class _Failing:
    def __init__(self) -> None:
        self.down = True

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        if self.down:
            raise TransportError(service_name, "connection refused")
        return SubgraphResponse(data={})


async def test_a_subgraph_breaker_shows_closed_then_open() -> None:
    inner = _Failing()
    transport = BreakerTransport(inner, timeouts={}, default_timeout=1.0)
    name = f"reviews{uuid.uuid4().hex[:6]}"  # no other test's breaker has this name
    request = SubgraphRequest(query="{ a }", operation_name=None, variables={}, headers=())
    inner.down = False
    await transport.fetch(name, request)
    assert _scrape()[("beyond_breaker_open", "subgraph", name, "")] == 0.0
    inner.down = True
    for _ in range(60):
        with pytest.raises(TransportError):
            await transport.fetch(name, request)
    assert _scrape()[("beyond_breaker_open", "subgraph", name, "")] == 1.0


def test_a_retired_breaker_leaves_the_metrics() -> None:
    from shared.resilience.breaker import Breaker

    breaker = Breaker("gone", target="10.0.0.9:5001")
    assert breaker in live_breakers()
    breaker.retire()
    assert breaker not in live_breakers()


def test_shed_requests_show_in_the_metrics() -> None:
    from shared.resilience.errors import Overloaded
    from shared.resilience.shedder import Shedder

    name = f"busy{uuid.uuid4().hex[:6]}"
    shedder = Shedder(name, server="grpc", max_in_flight=1)
    done = shedder.admit()
    for _ in range(3):
        with pytest.raises(Overloaded):
            shedder.admit()
    registry = CollectorRegistry()
    register_resilience_metrics(registry)
    text = generate_latest(registry).decode()
    done()
    assert f'beyond_shed_requests_total{{server="grpc",service="{name}"}} 3.0' in text
    assert f'beyond_shed_in_flight{{server="grpc",service="{name}"}} 1.0' in text
