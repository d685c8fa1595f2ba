"""One loop runs a service's HTTP server, gRPC server and event workers, and stops them in order."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import httpx
import strawberry
from fastapi import FastAPI
from grpc_health.v1 import health_pb2, health_pb2_grpc
from redis.asyncio import Redis
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from beyond.runtime import event_workers, grpc_server, http_server, run_until_stopped
from shared.db import Database
from shared.domain import DomainSpec, Runtime
from shared.events import Consumer, Event, OutboxRelay, event_stream
from shared.graphql import create_service_app
from shared.grpc import GrpcService
from shared.settings import CommonSettings
from shared.tokens import AccessTokens
from tests.conftest import REDIS_URL
from tests.shared.events.conftest import MIGRATIONS
from tests.shared.events.models import Shipment
from tests.shared.events.support import eventually, place_order
from tests.shared.grpc import echo_pb2, echo_pb2_grpc
from tests.shared.grpc.echo_service import ECHO, EchoServicer
from tests.support.net import free_port


@strawberry.type
class Query:
    ok: bool = True


async def test_a_service_runs_with_its_grpc_server_and_workers_until_a_signal(
    sqlite_url: Callable[[str, Path], URL], redis_prefix: str
) -> None:
    database = Database.from_url(sqlite_url("shop", MIGRATIONS))
    redis = Redis.from_url(REDIS_URL, decode_responses=True, protocol=2)
    stream = event_stream(redis_prefix, "shop")
    closed: list[str] = []

    async def ship(event: Event, session: Any) -> None:
        session.add(Shipment(event_id=event.id))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        closed.append("app")

    class RecordedRuntime(Runtime[CommonSettings]):
        async def aclose(self) -> None:
            await super().aclose()
            closed.append("runtime")

    class RecordedConsumer(Consumer):
        async def stop(self) -> None:
            await super().stop()
            closed.append("consumer")

    settings = CommonSettings(jwt_secret="x" * 32)
    runtime = RecordedRuntime(
        settings=settings,
        database=database,
        redis=redis,
        tokens=AccessTokens.from_settings(settings),
    )
    spec: DomainSpec[CommonSettings, RecordedRuntime] = DomainSpec(
        name="shop",
        port=free_port(),
        settings=CommonSettings,
        database_url=lambda _settings: str(database.engine.url),
        migrations=MIGRATIONS,
        build_schema=lambda: strawberry.federation.Schema(query=Query),
        build_runtime=lambda _settings: runtime,
        context=lambda _runtime, _caller: None,  # type: ignore[arg-type,return-value]
        workers=lambda _runtime: [
            OutboxRelay(database, redis, stream=stream, poll_interval=0.02),
            RecordedConsumer(
                database, redis, stream=stream, name="shipping", handler=ship, block=0.05
            ),
        ],
        grpc_services=lambda _runtime: [
            GrpcService(ECHO, EchoServicer(), echo_pb2_grpc.add_EchoServicer_to_server)
        ],
        grpc_port=free_port(),
    )
    app = create_service_app(
        title="shop",
        schema=strawberry.Schema(query=Query),
        context_factory=lambda *_: asyncio.sleep(0),
        lifespan=lifespan,
    )
    rpc = grpc_server(spec, runtime, host="127.0.0.1", port=None)
    assert rpc is not None
    http = http_server(app, host="127.0.0.1", port=spec.port, log_level="warning")
    running = asyncio.create_task(
        run_until_stopped(
            apps=[app],
            workers=[rpc, *event_workers(spec, runtime)],
            servers=[http],
            runtimes=[runtime],
        )
    )

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{spec.port}") as client:

        async def serving_http() -> bool:
            try:
                return (await client.get("/health")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(serving_http, within=10)
    async with grpc.aio.insecure_channel(f"127.0.0.1:{spec.grpc_port}") as channel:
        check = health_pb2_grpc.HealthStub(channel).Check
        reply = await check(health_pb2.HealthCheckRequest(service=ECHO), timeout=2)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
        said = await echo_pb2_grpc.EchoStub(channel).Say(echo_pb2.SayRequest(text="hi"), timeout=2)
        assert said.text == "hi"

    await place_order(database, "parcel")

    async def shipped() -> bool:
        async with database.transaction() as session:
            return await session.scalar(select(func.count()).select_from(Shipment)) == 1

    await eventually(shipped)

    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(running, timeout=10)
    assert closed == ["consumer", "app", "runtime"]


async def test_the_grpc_server_a_service_runs_sheds_past_its_settings_bound(
    sqlite_url: Callable[[str, Path], URL],
) -> None:
    from shared.grpc import create_channel
    from shared.resilience.errors import Overloaded

    database = Database.from_url(sqlite_url("shop", MIGRATIONS))
    settings = CommonSettings(jwt_secret="x" * 32, shed_max_in_flight=1)
    runtime: Runtime[CommonSettings] = Runtime(
        settings=settings,
        database=database,
        redis=Redis.from_url(REDIS_URL, decode_responses=True, protocol=2),
        tokens=AccessTokens.from_settings(settings),
    )
    echo = EchoServicer()
    spec: DomainSpec[CommonSettings, Runtime[CommonSettings]] = DomainSpec(
        name="shop",
        port=free_port(),
        settings=CommonSettings,
        database_url=lambda _settings: str(database.engine.url),
        migrations=MIGRATIONS,
        build_schema=lambda: strawberry.federation.Schema(query=Query),
        build_runtime=lambda _settings: runtime,
        context=lambda _runtime, _caller: None,  # type: ignore[arg-type,return-value]
        grpc_services=lambda _runtime: [
            GrpcService(ECHO, echo, echo_pb2_grpc.add_EchoServicer_to_server)
        ],
        grpc_port=free_port(),
    )
    rpc = grpc_server(spec, runtime, host="127.0.0.1", port=None)
    assert rpc is not None
    await rpc.start()
    channel = create_channel(f"127.0.0.1:{spec.grpc_port}", service="shop", deadline=10)
    stub = echo_pb2_grpc.EchoStub(channel)
    try:
        held = asyncio.ensure_future(stub.Say(echo_pb2.SayRequest(text="held", delay_ms=1000)))

        async def arrived() -> bool:
            return echo.calls == 1

        await eventually(arrived)
        try:
            await stub.Say(echo_pb2.SayRequest(text="one too many"))
        except Overloaded as error:
            shed: Overloaded | None = error
        else:
            shed = None
        assert (await held).text == "held"
    finally:
        await channel.close()
        await rpc.stop()
        await runtime.aclose()
    assert shed is not None and shed.extensions["code"] == "OVERLOADED"
    assert echo.calls == 1
