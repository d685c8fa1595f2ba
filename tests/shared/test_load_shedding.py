"""A service past capacity sheds at once: admitted requests never exceed the bound, the rest get OVERLOADED."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import strawberry
from starlette.requests import HTTPConnection

from shared.graphql import create_service_app
from shared.graphql.app import schema_extensions
from shared.resilience.shedder import Shedder
from tests.support.graphql import GraphQLClient, error_of

CAPACITY = 4


class Gate:
    """Holds every admitted request inside the resolver until opened, counting them."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.inside = 0
        self.most_inside = 0
        self.arrived = asyncio.Condition()

    async def enter(self) -> None:
        async with self.arrived:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
            self.arrived.notify_all()
        await self.open.wait()
        self.inside -= 1


@dataclass(frozen=True, slots=True)
class GateContext:
    gate: Gate


@strawberry.type
class Query:
    @strawberry.field
    async def slow(self, info: strawberry.Info[GateContext, None]) -> str:
        await info.context.gate.enter()
        return "done"


@pytest.fixture
async def service() -> AsyncIterator[tuple[GraphQLClient, Gate, Shedder]]:
    gate = Gate()

    async def context(request: HTTPConnection, response: object) -> GateContext:
        return GateContext(gate)

    shedder = Shedder("test", max_in_flight=CAPACITY)
    app = create_service_app(
        title="test",
        schema=strawberry.Schema(query=Query, extensions=schema_extensions()),
        context_factory=context,
        shedder=shedder,
    )
    client = GraphQLClient(app)
    yield client, gate, shedder
    await client.aclose()


async def test_past_capacity_requests_are_shed_while_admitted_ones_still_run(
    service: tuple[GraphQLClient, Gate, Shedder],
) -> None:
    client, gate, shedder = service

    async def ask() -> tuple[int, dict[str, Any]]:
        response = await client.http.post("/graphql", json={"query": "{ slow }"})
        return response.status_code, response.json()

    calls = [asyncio.create_task(ask()) for _ in range(5 * CAPACITY)]
    async with asyncio.timeout(10), gate.arrived:  # a guard against hanging
        await gate.arrived.wait_for(lambda: gate.inside == CAPACITY)
    # Every request beyond capacity was answered while the admitted ones are still held:
    # shedding does not queue behind the work it protects.
    shed = [task for task in calls if task.done()]
    async with asyncio.timeout(10):  # a guard against hanging, not a timing assertion
        while len(shed) < 4 * CAPACITY:
            await asyncio.sleep(0.01)
            shed = [task for task in calls if task.done()]
    assert gate.inside == CAPACITY and not gate.open.is_set()
    for task in shed:
        status, body = task.result()
        assert status == 503
        assert error_of(body)["extensions"] == {"code": "OVERLOADED", "retryAfter": 1}

    gate.open.set()
    answers = [await task for task in calls if task not in shed]
    assert answers == [(200, {"data": {"slow": "done"}})] * CAPACITY
    assert gate.most_inside == CAPACITY
    assert shedder.in_flight == 0 and shedder.shed == 4 * CAPACITY

    # Capacity is back once they finish.
    gate.open.set()
    assert (await ask()) == (200, {"data": {"slow": "done"}})


async def test_health_answers_while_the_service_sheds(
    service: tuple[GraphQLClient, Gate, Shedder],
) -> None:
    client, gate, _ = service
    held = [
        asyncio.create_task(client.http.post("/graphql", json={"query": "{ slow }"}))
        for _ in range(CAPACITY)
    ]
    async with asyncio.timeout(10), gate.arrived:  # a guard against hanging
        await gate.arrived.wait_for(lambda: gate.inside == CAPACITY)
    assert (await client.http.get("/health")).status_code == 200
    gate.open.set()
    await asyncio.gather(*held)
