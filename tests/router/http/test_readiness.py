"""``/health`` says the router is alive; ``/ready`` that every subgraph answered its probe."""

from __future__ import annotations

from typing import Any

from router.transport import AsgiTransport


async def test_ready_once_every_subgraph_answered(make_client: Any) -> None:
    async with make_client() as client:
        assert (await client.get("/health")).status_code == 200
        before = await client.get("/ready")
        assert before.status_code == 503
        assert before.json()["subgraphs"] == {"edge": "unavailable"}

        await client.router_app.state.readiness.probe_all()
        after = await client.get("/ready")
        assert after.status_code == 200
        assert after.json()["status"] == "ready"
        assert after.json()["subgraphs"] == {"edge": "ok"}


async def test_not_ready_while_a_subgraph_does_not_answer(make_client: Any) -> None:
    async with make_client(transport=AsgiTransport({})) as client:
        await client.router_app.state.readiness.probe_all()
        response = await client.get("/ready")
        assert response.status_code == 503
        assert response.json()["subgraphs"] == {"edge": "unavailable"}
        assert (await client.get("/health")).status_code == 200
