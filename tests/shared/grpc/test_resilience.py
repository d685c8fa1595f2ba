"""gRPC calls: breakers per target, retries only for idempotent reads, deadlines that propagate."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from shared.errors import NotFound, Unavailable
from shared.grpc import GrpcServer, GrpcService, ServiceUnavailable, create_channel
from shared.resilience.breaker import Breaker
from shared.resilience.deadline import deadline_scope
from shared.resilience.errors import BreakerOpen
from tests.shared.grpc import echo_pb2, echo_pb2_grpc
from tests.shared.grpc.echo_service import ECHO, EchoServicer
from tests.support.net import free_port

SAY = "/beyond.test.echo.v1.Echo/Say"


@pytest.fixture
async def servicer() -> AsyncIterator[EchoServicer]:
    echo = EchoServicer()
    server = GrpcServer(
        [GrpcService(ECHO, echo, echo_pb2_grpc.add_EchoServicer_to_server)],
        address="127.0.0.1:0",
        grace=0.5,
    )
    await server.start()
    echo.target = f"127.0.0.1:{server.port}"
    yield echo
    await server.stop()


async def test_a_target_that_keeps_failing_is_cut_off_by_its_breaker() -> None:
    breaker = Breaker("echo")
    channel = create_channel(f"127.0.0.1:{free_port()}", service="echo", breaker=breaker)
    stub = echo_pb2_grpc.EchoStub(channel)
    outcomes: dict[type[Exception], int] = {}
    for _ in range(200):
        try:
            await stub.Say(echo_pb2.SayRequest(text="hi"))
        except (ServiceUnavailable, BreakerOpen) as exc:
            outcomes[type(exc)] = outcomes.get(type(exc), 0) + 1
    await channel.close()
    # Most calls never left the process; the few that did still probe the target.
    assert outcomes[BreakerOpen] > 100
    assert outcomes[ServiceUnavailable] >= 5
    assert breaker.snapshot().state == "open"


async def test_errors_of_the_callers_making_do_not_trip_the_breaker(
    servicer: EchoServicer,
) -> None:
    breaker = Breaker("echo")
    channel = create_channel(servicer.target, service="echo", breaker=breaker)
    stub = echo_pb2_grpc.EchoStub(channel)
    for _ in range(50):
        with pytest.raises(NotFound):
            await stub.Say(echo_pb2.SayRequest(text="x", fail_with="not-found"))
    await channel.close()
    assert servicer.calls == 50
    assert breaker.snapshot().state == "closed"


async def test_an_idempotent_read_is_retried_when_the_target_is_unavailable(
    servicer: EchoServicer,
) -> None:
    channel = create_channel(servicer.target, service="echo", idempotent={SAY}, deadline=5)
    with pytest.raises(Unavailable):
        await echo_pb2_grpc.EchoStub(channel).Say(
            echo_pb2.SayRequest(text="x", fail_with="unavailable")
        )
    await channel.close()
    assert servicer.calls == 3


async def test_a_call_not_declared_idempotent_is_never_retried(servicer: EchoServicer) -> None:
    channel = create_channel(servicer.target, service="echo", deadline=5)
    with pytest.raises(Unavailable):
        await echo_pb2_grpc.EchoStub(channel).Say(
            echo_pb2.SayRequest(text="x", fail_with="unavailable")
        )
    await channel.close()
    assert servicer.calls == 1


async def test_the_callers_deadline_bounds_the_call_and_reaches_the_server(
    servicer: EchoServicer,
) -> None:
    channel = create_channel(servicer.target, service="echo", deadline=30)
    stub = echo_pb2_grpc.EchoStub(channel)
    await stub.Say(echo_pb2.SayRequest(text="free"))
    with deadline_scope(0.5):
        await stub.Say(echo_pb2.SayRequest(text="bounded"))
        with pytest.raises(ServiceUnavailable) as caught:
            await stub.Say(echo_pb2.SayRequest(text="slow", delay_ms=3000))
    await channel.close()
    assert caught.value.extensions["status"] == "DEADLINE_EXCEEDED"
    unbounded, bounded, _slow = servicer.time_left
    assert unbounded is not None and unbounded > 20
    assert bounded is not None and bounded < 1


PEEK = "/beyond.test.echo.v1.Echo/Peek"


async def test_a_read_its_proto_declares_free_of_side_effects_is_retried(
    servicer: EchoServicer,
) -> None:
    channel = create_channel(servicer.target, service="echo", deadline=5)
    stub = echo_pb2_grpc.EchoStub(channel)
    with pytest.raises(Unavailable):
        await stub.Peek(echo_pb2.SayRequest(text="x", fail_with="unavailable"))
    assert servicer.calls == 3  # Peek: NO_SIDE_EFFECTS in echo.proto
    with pytest.raises(Unavailable):
        await stub.Say(echo_pb2.SayRequest(text="x", fail_with="unavailable"))
    await channel.close()
    assert servicer.calls == 4  # Say declares nothing: sent once


def test_idempotency_is_read_from_the_contracts() -> None:
    from contracts.accounts import accounts_pb2  # noqa: F401  (loads the descriptors)
    from contracts.social import social_pb2  # noqa: F401
    from shared.grpc.idempotency import declared_idempotent

    assert declared_idempotent("/beyond.accounts.v1.Users/UsersExist")
    assert declared_idempotent("/beyond.social.v1.Follows/WhichFollowed")
    assert declared_idempotent(PEEK)
    assert not declared_idempotent(SAY)
    assert not declared_idempotent("/beyond.test.echo.v1.Echo/Missing")
    assert not declared_idempotent("/no.such.Service/Method")
