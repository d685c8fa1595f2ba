"""The router's breaker per subgraph: fails fast while a subgraph keeps failing, closes when it answers."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import pytest

from router.transport import (
    BreakerTransport,
    HttpTransport,
    SubgraphRequest,
    SubgraphResponse,
    Transport,
    TransportError,
)
from shared.resilience.breaker import Breaker
from tests.support.net import free_port


class Recording:
    """A transport peer that answers with ``status`` and remembers what it was sent."""

    def __init__(self) -> None:
        self.status = 200
        self.sent: list[tuple[str, SubgraphRequest]] = []

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        self.sent.append((service_name, request))
        return SubgraphResponse(data={"ok": True}, status=self.status)


def _transport(inner: Transport, timeouts: Mapping[str, float] | None = None) -> BreakerTransport:
    return BreakerTransport(inner, timeouts=timeouts or {}, default_timeout=30.0)


async def test_a_subgraph_that_cannot_be_reached_is_cut_off_and_fails_fast() -> None:
    down = HttpTransport({"reviews": f"http://127.0.0.1:{free_port()}/graphql"})
    transport = _transport(down)
    reasons: list[str] = []
    for _ in range(100):
        with pytest.raises(TransportError) as caught:
            await transport.fetch("reviews", SubgraphRequest(query="{ a }"))
        reasons.append(caught.value.reason)
    await down.aclose()
    fast = [r for r in reasons if r.startswith("circuit open")]
    assert len(fast) > 50 and len(reasons) - len(fast) >= 5
    (state,) = transport.states()
    assert state.name == "reviews" and state.state == "open"


async def test_breakers_are_per_subgraph_and_5xx_counts_as_failing() -> None:
    inner = Recording()
    transport = _transport(inner)
    inner.status = 503
    for _ in range(100):
        with contextlib.suppress(TransportError):
            await transport.fetch("reviews", SubgraphRequest(query="{ a }"))
    reviews_sent = len(inner.sent)
    inner.status = 200
    for _ in range(100):
        await transport.fetch("accounts", SubgraphRequest(query="{ b }"))
    assert reviews_sent < 50
    assert len(inner.sent) == reviews_sent + 100
    states = {state.name: state.state for state in transport.states()}
    assert states == {"reviews": "open", "accounts": "closed"}


async def test_graphql_errors_in_a_2xx_answer_do_not_trip_it() -> None:
    class Erroring(Recording):
        async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
            self.sent.append((service_name, request))
            return SubgraphResponse(data=None, errors=({"message": "no"},))

    inner = Erroring()
    transport = BreakerTransport(inner, timeouts={}, default_timeout=1.0, breaker=Breaker)
    for _ in range(100):
        await transport.fetch("reviews", SubgraphRequest(query="{ a }"))
    assert len(inner.sent) == 100


async def test_every_request_carries_the_time_the_router_waits_for_it() -> None:
    inner = Recording()
    transport = _transport(inner, timeouts={"reviews": 2.5})
    headers = (("authorization", "Bearer t"),)
    await transport.fetch("reviews", SubgraphRequest(query="{ a }", headers=headers))
    await transport.fetch("accounts", SubgraphRequest(query="{ a }"))
    (_, to_reviews), (_, to_accounts) = inner.sent
    assert to_reviews.headers == (("authorization", "Bearer t"), ("beyond-deadline-ms", "2500"))
    assert to_accounts.headers == (("beyond-deadline-ms", "30000"),)
