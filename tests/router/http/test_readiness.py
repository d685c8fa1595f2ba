"""``/health`` says the router is alive; ``/ready`` that every subgraph answered its probe."""

from __future__ import annotations

import asyncio
from typing import Any

from router.transport import AsgiTransport
from router.transport.types import SubgraphRequest, SubgraphResponse
from tests.router.http.edge import edge_app


class CountingTransport:
    def __init__(self, inner: AsgiTransport) -> None:
        self.inner = inner
        self.sent: list[str] = []

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        self.sent.append(request.query)
        return await self.inner.fetch(service_name, request)


async def test_ready_when_every_subgraph_answers_its_probe(make_client: Any) -> None:
    transport = CountingTransport(AsgiTransport({"edge": edge_app()}))
    async with make_client(transport=transport) as client:
        assert (await client.get("/health")).status_code == 200
        assert transport.sent == []  # nothing is probed while nobody asks
        responses = await asyncio.gather(*(client.get("/ready") for _ in range(3)))
        for response in responses:
            assert response.status_code == 200
            assert response.json()["status"] == "ready"
            assert response.json()["subgraphs"] == {"edge": "ok"}
        # Three at once share one round of probes; a round is at most every 5 s.
        assert transport.sent == ["query Ready { __typename }"]
        await client.get("/ready")
        assert len(transport.sent) == 1


async def test_not_ready_while_a_subgraph_does_not_answer(make_client: Any) -> None:
    async with make_client(transport=AsgiTransport({})) as client:
        response = await client.get("/ready")
        assert response.status_code == 503
        assert response.json()["subgraphs"] == {"edge": "unavailable"}
        assert (await client.get("/health")).status_code == 200
