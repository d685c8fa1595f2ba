"""Subgraphs with several replicas: p2c over their URLs, failover for queries only.

For a subgraph whose URLs come from discovery (``[subgraphs.X] discovery =
"etcd"``), each fetch goes to the URL :class:`~shared.registry.p2c.P2C` picks
on EWMA latency and requests in flight, and its latency and outcome are
recorded. A query whose replica could not be reached or answered 5xx is sent
to a replica it has not tried, up to three; a mutation is sent once and its
failure reported, since it may have run. With no replica known, the fetch
fails like an unreachable subgraph. Other subgraphs go to the inner
transport's fixed URL.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from router.transport.errors import TransportError
from router.transport.http import HttpTransport
from router.transport.types import SubgraphRequest, SubgraphResponse, is_mutation
from shared.registry.p2c import P2C

_FAILOVER_REPLICAS = 3


class BalancedTransport:
    def __init__(self, inner: HttpTransport, balancers: Mapping[str, P2C]) -> None:
        self._inner = inner
        self._balancers = dict(balancers)

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        balancer = self._balancers.get(service_name)
        if balancer is None:
            return await self._inner.fetch(service_name, request)
        attempts = 1 if is_mutation(request.query) else _FAILOVER_REPLICAS
        tried: list[str] = []
        while True:
            replica = balancer.pick(besides=tried)
            if replica is None:
                raise TransportError(service_name, "no replica is registered")
            tried.append(replica.address)
            started = time.monotonic()
            try:
                response = await self._inner.fetch_at(service_name, replica.address, request)
            except TransportError:
                replica.finished(time.monotonic() - started, ok=False)
                if len(tried) >= attempts:
                    raise
                continue
            ok = response.status < 500
            replica.finished(time.monotonic() - started, ok=ok)
            if ok or len(tried) >= attempts:
                return response
