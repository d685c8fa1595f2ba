"""Breaker state in the metrics, read from every live breaker when Prometheus scrapes.

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
:func:`register_breaker_metrics` adds the collector to prometheus-client's
default registry; whatever serves ``/metrics`` calls it.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.resilience.breaker import live_breakers

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


_REGISTERED: set[int] = set()


def register_breaker_metrics(registry: CollectorRegistry = REGISTRY) -> None:
    """Export breaker state from ``registry`` (once, however often this is called)."""
    if id(registry) not in _REGISTERED:
        registry.register(BreakerCollector())
        _REGISTERED.add(id(registry))
