"""Breaker and shedder state in the metrics, read from the live objects when Prometheus scrapes.

The router's breakers (``kind="subgraph"``, one per subgraph) and the
services' gRPC breakers (``kind="grpc"``, one per peer endpoint) are all
:class:`~shared.resilience.breaker.Breaker` objects, listed by
:func:`~shared.resilience.breaker.live_breakers`; this collector turns them
into three families, so the call path keeps no metric of its own:

- ``beyond_breaker_open`` 1 while the breaker drops calls, else 0;
- ``beyond_breaker_drop_ratio`` the share of calls it drops now (0 to 1);
- ``beyond_breaker_dropped_total`` calls it has dropped so far.

Labels: ``kind``, ``peer`` (the service or subgraph name) and ``endpoint``
(the address, empty for a breaker covering every endpoint).

Every :class:`~shared.resilience.shedder.Shedder` (one per service process
and server, ``server`` ``http`` or ``grpc``) gives
``beyond_shed_requests_total{service,server}`` (requests answered
OVERLOADED) and ``beyond_shed_in_flight{service,server}``.
:func:`register_resilience_metrics` adds both collectors to prometheus-client's
default registry; whatever serves ``/metrics`` calls it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.resilience.breaker import live_breakers
from shared.resilience.shedder import live_shedders

_LABELS = ["kind", "peer", "endpoint"]


class BreakerCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        open_ = GaugeMetricFamily(
            "beyond_breaker_open", "1 while a circuit breaker drops calls, else 0", labels=_LABELS
        )
        ratio = GaugeMetricFamily(
            "beyond_breaker_drop_ratio",
            "Share of calls a circuit breaker drops now (Google SRE adaptive throttling)",
            labels=_LABELS,
        )
        dropped = CounterMetricFamily(
            "beyond_breaker_dropped",
            "Calls a circuit breaker failed fast without sending them",
            labels=_LABELS,
        )
        for breaker in live_breakers():
            labels = [breaker.kind, breaker.name, breaker.target]
            state = breaker.snapshot()
            open_.add_metric(labels, 1.0 if state.state == "open" else 0.0)
            ratio.add_metric(labels, state.drop_ratio)
            dropped.add_metric(labels, breaker.dropped)
        yield open_
        yield ratio
        yield dropped


class ShedderCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        shed = CounterMetricFamily(
            "beyond_shed_requests",
            "Requests a service answered OVERLOADED without running them",
            labels=["service", "server"],
        )
        in_flight = GaugeMetricFamily(
            "beyond_shed_in_flight",
            "Requests admitted by a service's shedder and not finished",
            labels=["service", "server"],
        )
        for shedder in live_shedders():
            shed.add_metric([shedder.name, shedder.server], shedder.shed)
            in_flight.add_metric([shedder.name, shedder.server], shedder.in_flight)
        yield shed
        yield in_flight


_REGISTERED: weakref.WeakSet[CollectorRegistry] = weakref.WeakSet()


def register_resilience_metrics(registry: CollectorRegistry = REGISTRY) -> None:
    """Export breaker and shedder state from ``registry`` (once, however often asked)."""
    if registry not in _REGISTERED:
        registry.register(BreakerCollector())
        registry.register(ShedderCollector())
        _REGISTERED.add(registry)
