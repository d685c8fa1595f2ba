"""A breaker per subgraph and the router's deadline on every subgraph request.

Wraps any transport (STYLE: breakers wrap a transport rather than living in
it). Each subgraph has its own Google SRE adaptive-throttling breaker
(:mod:`shared.resilience.breaker`): while a subgraph keeps failing, most
fetches to it fail at once with a :class:`TransportError` ("circuit open",
SUBGRAPH_UNAVAILABLE to the client) instead of waiting out its timeout, and a
trickle still probes it so it closes again by itself. A failure is a
transport error or a 5xx answer (a shedding subgraph's 503 OVERLOADED
included); GraphQL errors in a 2xx answer show the subgraph working. Their
state is in the router's metrics (``beyond_breaker_*{kind="subgraph"}``, see
:mod:`shared.telemetry.resilience`).

Every request carries ``Beyond-Deadline-Ms``, the time the router will wait
for it, so the subgraph stops working on an answer nobody awaits and bounds
its own gRPC calls by it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from router.transport.errors import TransportError
from router.transport.types import SubgraphRequest, SubgraphResponse, Transport
from shared.resilience.breaker import Breaker, BreakerState
from shared.resilience.deadline import HEADER, header_value
from shared.resilience.errors import BreakerOpen


def _subgraph_breaker(service_name: str) -> Breaker:
    return Breaker(service_name, kind="subgraph")


class BreakerTransport:
    def __init__(
        self,
        inner: Transport,
        *,
        timeouts: Mapping[str, float],
        default_timeout: float,
        breaker: Callable[[str], Breaker] | None = None,
    ) -> None:
        self._inner = inner
        self._timeouts = dict(timeouts)
        self._default_timeout = default_timeout
        self._new_breaker = breaker or _subgraph_breaker
        self._breakers: dict[str, Breaker] = {}

    def _breaker(self, service_name: str) -> Breaker:
        breaker = self._breakers.get(service_name)
        if breaker is None:
            breaker = self._breakers[service_name] = self._new_breaker(service_name)
        return breaker

    def states(self) -> list[BreakerState]:
        """Each subgraph breaker's state, for metrics and ``/ready``."""
        return [breaker.snapshot() for breaker in self._breakers.values()]

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        breaker = self._breaker(service_name)
        try:
            breaker.allow()
        except BreakerOpen:
            raise TransportError(service_name, "circuit open: failing fast") from None
        timeout = self._timeouts.get(service_name, self._default_timeout)
        sent = SubgraphRequest(
            query=request.query,
            operation_name=request.operation_name,
            variables=request.variables,
            headers=(*request.headers, (HEADER, header_value(timeout))),
        )
        try:
            response = await self._inner.fetch(service_name, sent)
        except TransportError:
            breaker.record(accepted=False)
            raise
        breaker.record(accepted=response.status < 500)
        return response
