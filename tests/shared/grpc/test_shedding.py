"""A gRPC server past capacity sheds at once with OVERLOADED; admitted calls still run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from shared.errors import BeyondError
from shared.grpc import GrpcServer, GrpcService, create_channel
from shared.grpc.balanced import BalancedChannel
from shared.resilience.errors import Overloaded
from shared.resilience.shedder import Shedder
from tests.shared.grpc import echo_pb2, echo_pb2_grpc
from tests.shared.grpc.echo_service import ECHO, EchoServicer
from tests.support.polling import eventually

CAPACITY = 3


async def _server(shedder: Shedder | None) -> tuple[GrpcServer, EchoServicer]:
    echo = EchoServicer()
    server = GrpcServer(
        [GrpcService(ECHO, echo, echo_pb2_grpc.add_EchoServicer_to_server)],
        address="127.0.0.1:0",
        grace=0.5,
        shedder=shedder,
    )
    await server.start()
    return server, echo


@pytest.fixture
async def shedding() -> AsyncIterator[tuple[str, EchoServicer, Shedder]]:
    shedder = Shedder("echo", max_in_flight=CAPACITY)
    server, echo = await _server(shedder)
    yield f"127.0.0.1:{server.port}", echo, shedder
    await server.stop()


async def test_calls_past_capacity_are_shed_while_admitted_ones_finish(
    shedding: tuple[str, EchoServicer, Shedder],
) -> None:
    target, echo, shedder = shedding
    channel = create_channel(target, service="echo", deadline=10)
    stub = echo_pb2_grpc.EchoStub(channel)
    held = [
        asyncio.ensure_future(stub.Say(echo_pb2.SayRequest(text="held", delay_ms=1500)))
        for _ in range(CAPACITY)
    ]
    await eventually(lambda: echo.calls == CAPACITY)
    # Mutations (Say declares nothing) past capacity: answered at once, never queued.
    shed = await asyncio.gather(
        *(stub.Say(echo_pb2.SayRequest(text="extra")) for _ in range(4)),
        return_exceptions=True,
    )
    assert all(not task.done() for task in held)  # answered while the admitted still run
    for error in shed:
        assert isinstance(error, Overloaded)
        assert error.extensions == {"code": "OVERLOADED", "retryAfter": 1}
    assert echo.calls == CAPACITY and shedder.shed == 4
    # Health checks are never shed: the service still reports itself serving.
    health = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest())
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    assert [reply.text for reply in await asyncio.gather(*held)] == ["held"] * CAPACITY
    assert shedder.in_flight == 0
    assert (await stub.Say(echo_pb2.SayRequest(text="again"))).text == "again"
    await channel.close()


async def test_the_shed_status_is_resource_exhausted(
    shedding: tuple[str, EchoServicer, Shedder],
) -> None:
    target, echo, _ = shedding
    async with grpc.aio.insecure_channel(target) as raw:
        stub = echo_pb2_grpc.EchoStub(raw)
        held = [
            asyncio.ensure_future(stub.Say(echo_pb2.SayRequest(delay_ms=1000)))
            for _ in range(CAPACITY)
        ]
        await eventually(lambda: echo.calls == CAPACITY)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Say(echo_pb2.SayRequest(text="extra"))
        await asyncio.gather(*held)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED


async def test_a_shed_read_goes_to_another_replica_and_a_shed_mutation_does_not(
    shedding: tuple[str, EchoServicer, Shedder],
) -> None:
    busy_target, busy, _ = shedding
    idle_server, idle = await _server(None)
    channel = BalancedChannel(service="echo", deadline=10)
    channel.update([busy_target])
    stub = echo_pb2_grpc.EchoStub(channel)
    held = [
        asyncio.ensure_future(stub.Say(echo_pb2.SayRequest(delay_ms=1500))) for _ in range(CAPACITY)
    ]
    try:
        await eventually(lambda: busy.calls == CAPACITY)
        channel.update([busy_target, f"127.0.0.1:{idle_server.port}"])
        reads = await asyncio.gather(
            *(stub.Peek(echo_pb2.SayRequest(text="read")) for _ in range(8)),
            return_exceptions=True,
        )
        mutations = await asyncio.gather(
            *(stub.Say(echo_pb2.SayRequest(text="write")) for _ in range(8)),
            return_exceptions=True,
        )
    finally:
        await asyncio.gather(*held)
        await channel.close()
        await idle_server.stop()
    assert [getattr(r, "text", r) for r in reads] == ["read"] * 8
    shed = [m for m in mutations if isinstance(m, BeyondError)]
    assert all(isinstance(m, Overloaded) for m in shed)
    # Each mutation went to one replica once: those shed never reached the idle one.
    assert idle.calls == 8 + (8 - len(shed))
