"""``beyond router`` with its subgraph breakers taken out: the baseline of the breaker A/B.

``python -m bench.federation.bare_router ARGS…`` runs ``beyond router ARGS…``
with :class:`~router.transport.BreakerTransport` replaced by a transport that
only adds the deadline header the breaker transport also adds, so the
difference to ``beyond router`` is the breakers' own work. For the benchmark
only (``--gateways beyond-bare``): a router without breakers is not a
configuration Beyond offers.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import router.http.app
from beyond.cli import main
from router.transport.types import SubgraphRequest, SubgraphResponse, Transport
from shared.resilience.deadline import HEADER, header_value


class _NoBreakers:
    def __init__(
        self, inner: Transport, *, timeouts: Mapping[str, float], default_timeout: float, **_: Any
    ) -> None:
        self._inner = inner
        self._timeouts = dict(timeouts)
        self._default_timeout = default_timeout

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        timeout = self._timeouts.get(service_name, self._default_timeout)
        sent = SubgraphRequest(
            query=request.query,
            operation_name=request.operation_name,
            variables=request.variables,
            headers=(*request.headers, (HEADER, header_value(timeout))),
        )
        return await self._inner.fetch(service_name, sent)


if __name__ == "__main__":
    router.http.app.BreakerTransport = _NoBreakers  # type: ignore[misc,assignment]
    sys.exit(main(["router", *sys.argv[1:]]))
