"""What breakers and p2c cost the router per subgraph fetch, on the happy path.

``python -m bench.resilience [--fetches 200000]`` sends fetches through
:class:`~router.transport.BreakerTransport` over
:class:`~router.transport.balanced.BalancedTransport` (three replicas, p2c)
to an inner transport that answers at once, and through the bare inner
transport, and prints the CPU time per fetch of each and the difference:
the router's added work per subgraph fetch, with no network in the way.
Multiply by the fetches per operation and divide by the router's CPU per
operation (from ``python -m bench.federation``) for the share of router CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from router.transport import BreakerTransport, SubgraphRequest, SubgraphResponse
from router.transport.balanced import BalancedTransport
from router.transport.http import HttpTransport
from shared.registry.p2c import P2C

_ANSWER = SubgraphResponse(data={"ok": True})


class _Instant(HttpTransport):
    """Answers every fetch at once, wherever it is sent."""

    async def fetch_at(
        self, service_name: str, url: str, request: SubgraphRequest
    ) -> SubgraphResponse:
        return _ANSWER

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        return _ANSWER


async def _cpu_per_fetch(fetch_all: int, wrapped: bool) -> float:
    inner = _Instant({})
    balancer = P2C()
    balancer.update([f"http://127.0.0.1:{4100 + i}/graphql" for i in range(3)])
    transport = (
        BreakerTransport(
            BalancedTransport(inner, {"articles": balancer}), timeouts={}, default_timeout=30.0
        )
        if wrapped
        else inner
    )
    request = SubgraphRequest(query="{ feed { id } }", headers=(("authorization", "Bearer t"),))
    started = time.process_time()
    for _ in range(fetch_all):
        await transport.fetch("articles", request)
    return (time.process_time() - started) / fetch_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetches", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bare, wrapped = [], []
    for _ in range(args.rounds):
        bare.append(asyncio.run(_cpu_per_fetch(args.fetches, wrapped=False)))
        wrapped.append(asyncio.run(_cpu_per_fetch(args.fetches, wrapped=True)))
    bare_us = statistics.median(bare) * 1e6
    wrapped_us = statistics.median(wrapped) * 1e6
    print(f"bare inner transport:     {bare_us:6.2f} µs CPU per fetch")
    print(f"with breaker + p2c:       {wrapped_us:6.2f} µs CPU per fetch")
    print(f"added per subgraph fetch: {wrapped_us - bare_us:6.2f} µs")


if __name__ == "__main__":
    main()
