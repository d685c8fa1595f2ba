"""gRPC end to end on 127.0.0.1: health, deadlines, failures as BeyondError, server streams."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest
import strawberry
from grpc_health.v1 import health_pb2, health_pb2_grpc

from shared.errors import BadUserInput, NotFound
from shared.graphql.app import schema_extensions
from shared.grpc import (
    GrpcServer,
    GrpcService,
    RemoteCallFailed,
    ServiceUnavailable,
    create_channel,
)
from tests.shared.grpc import echo_pb2, echo_pb2_grpc
from tests.shared.grpc.echo_service import ECHO, EchoServicer


@pytest.fixture
async def server() -> AsyncIterator[GrpcServer]:
    running = GrpcServer(
        [GrpcService(ECHO, EchoServicer(), echo_pb2_grpc.add_EchoServicer_to_server)],
        address="127.0.0.1:0",
        grace=0.5,
    )
    await running.start()
    yield running
    await running.stop()


@pytest.fixture
async def echo(server: GrpcServer) -> AsyncIterator[Any]:
    channel = create_channel(f"127.0.0.1:{server.port}", service="echo", deadline=0.3)
    yield echo_pb2_grpc.EchoStub(channel)
    await channel.close()


async def test_every_server_reports_its_health(server: GrpcServer) -> None:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{server.port}") as channel:
        checker = health_pb2_grpc.HealthStub(channel)
        for name in ("", ECHO):
            reply = await checker.Check(health_pb2.HealthCheckRequest(service=name), timeout=2)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await checker.Check(health_pb2.HealthCheckRequest(service="nope"), timeout=2)
        assert unknown.value.code() == grpc.StatusCode.NOT_FOUND


async def test_a_call_answers(echo: Any) -> None:
    reply = await echo.Say(echo_pb2.SayRequest(text="hello"))
    assert reply.text == "hello"


async def test_a_slow_call_ends_at_the_default_deadline(echo: Any) -> None:
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as failed:
        await echo.Say(echo_pb2.SayRequest(text="slow", delay_ms=2_000))
    assert time.monotonic() - started < 1.5
    assert failed.value.message == "The echo service did not answer within 0.3 s. Try again."
    assert failed.value.extensions == {
        "code": "UNAVAILABLE",
        "retryAfter": 1,
        "service": "echo",
        "status": "DEADLINE_EXCEEDED",
    }


async def test_a_call_may_set_its_own_deadline(echo: Any) -> None:
    reply = await echo.Say(echo_pb2.SayRequest(text="patient", delay_ms=400), timeout=2)
    assert reply.text == "patient"


async def test_a_server_that_is_down_is_unavailable_at_once() -> None:
    channel = create_channel("127.0.0.1:1", service="echo", deadline=5)
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as failed:
        await echo_pb2_grpc.EchoStub(channel).Say(echo_pb2.SayRequest(text="anyone?"))
    await channel.close()
    assert time.monotonic() - started < 3
    assert failed.value.message == "The echo service is unavailable. Try again shortly."
    assert failed.value.extensions["status"] == "UNAVAILABLE"


async def test_a_beyond_error_crosses_the_call_intact(echo: Any) -> None:
    with pytest.raises(NotFound) as missing:
        await echo.Say(echo_pb2.SayRequest(text="Bob", fail_with="not-found"))
    assert missing.value.message == "Nobody called Bob here."
    with pytest.raises(BadUserInput) as bad:
        await echo.Say(echo_pb2.SayRequest(text="…", fail_with="bad-input"))
    assert bad.value.extensions == {"code": "BAD_USER_INPUT", "field": "text"}


async def test_a_crash_is_reported_without_the_servers_details(echo: Any) -> None:
    with pytest.raises(RemoteCallFailed) as failed:
        await echo.Say(echo_pb2.SayRequest(text="x", fail_with="crash"))
    assert failed.value.message == "The echo service could not handle the request (UNKNOWN)."
    assert "secret" not in str(failed.value.extensions)


async def test_a_server_stream_delivers_every_reply(echo: Any) -> None:
    replies = [reply.text async for reply in echo.Count(echo_pb2.CountRequest(count=3))]
    assert replies == ["1", "2", "3"]
    with pytest.raises(BadUserInput):
        async for _ in echo.Count(echo_pb2.CountRequest(count=0)):
            pass


async def test_a_graphql_client_reads_why_the_call_failed() -> None:
    channel = create_channel("127.0.0.1:1", service="echo", deadline=1)

    @strawberry.type
    class Query:
        @strawberry.field
        async def echo(self) -> str:
            reply = await echo_pb2_grpc.EchoStub(channel).Say(echo_pb2.SayRequest(text="hi"))
            text: str = reply.text
            return text

    schema = strawberry.Schema(query=Query, extensions=list(schema_extensions()))
    result = await asyncio.wait_for(schema.execute("{ echo }"), timeout=5)
    await channel.close()
    assert result.errors is not None
    [error] = result.errors
    assert error.message == "The echo service is unavailable. Try again shortly."
    assert error.extensions == {
        "code": "UNAVAILABLE",
        "retryAfter": 1,
        "service": "echo",
        "status": "UNAVAILABLE",
    }


async def test_a_taken_port_fails_the_start(server: GrpcServer) -> None:
    second = GrpcServer([], address=f"127.0.0.1:{server.port}")
    with pytest.raises(OSError, match="could not listen for gRPC"):
        await second.start()
