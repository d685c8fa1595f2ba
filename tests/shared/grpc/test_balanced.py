"""Balanced gRPC through the etcd registry: new replicas take traffic, a dying one costs no read."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from shared.errors import BeyondError
from shared.grpc import GrpcServer, GrpcService
from shared.grpc.balanced import BalancedChannel
from shared.lifecycle import cancelled
from shared.registry.discovery import Discovery
from shared.registry.etcd import service_prefix
from shared.registry.registration import Registration
from tests.shared.grpc import echo_pb2, echo_pb2_grpc
from tests.shared.grpc.echo_service import ECHO, EchoServicer
from tests.support.etcd import EtcdServer
from tests.support.polling import eventually

SAY = "/beyond.test.echo.v1.Echo/Say"


class Replica:
    """An echo server; ``grace=0`` stops it like a killed process, aborting open calls."""

    def __init__(self, *, grace: float = 0.5) -> None:
        self.servicer = EchoServicer()
        self.server = GrpcServer(
            [GrpcService(ECHO, self.servicer, echo_pb2_grpc.add_EchoServicer_to_server)],
            address="127.0.0.1:0",
            grace=grace,
        )

    async def start(self) -> str:
        await self.server.start()
        return f"127.0.0.1:{self.server.port}"


@pytest.fixture
async def cluster(etcd: EtcdServer) -> AsyncIterator[tuple[str, list[Replica], list[Registration]]]:
    prefix = service_prefix(f"echo{uuid.uuid4().hex[:8]}", "grpc")
    replicas: list[Replica] = []
    registrations: list[Registration] = []
    yield prefix, replicas, registrations
    for registration in registrations:
        await registration.stop()
    for replica in replicas:
        await replica.server.stop()


async def _add(
    etcd: EtcdServer,
    cluster: tuple[str, list[Replica], list[Registration]],
    *,
    grace: float = 0.5,
) -> Replica:
    prefix, replicas, registrations = cluster
    replica = Replica(grace=grace)
    address = await replica.start()
    registration = Registration(etcd.endpoint, {prefix + address: address}, ttl=2)
    await registration.start()
    replicas.append(replica)
    registrations.append(registration)
    return replica


async def test_a_new_replica_takes_traffic_and_a_killed_one_costs_no_read(
    etcd: EtcdServer, cluster: tuple[str, list[Replica], list[Registration]]
) -> None:
    prefix, replicas, _ = cluster
    second = await _add(etcd, cluster)
    # The replica to be killed registers by hand, so the test can stop its keep-alive
    # the way a killed process stops it.
    doomed = Replica(grace=0)
    replicas.append(doomed)
    doomed_address = await doomed.start()
    leases = etcd.endpoint.client()
    await leases.connect()
    lease = await leases.lease(2)
    await leases.put((prefix + doomed_address).encode(), doomed_address.encode(), lease=lease)

    async def refresh() -> None:
        while True:
            await asyncio.sleep(0.5)
            await leases.refresh_lease(lease.id)

    keep_alive = asyncio.create_task(refresh())
    channel = BalancedChannel(service="echo", idempotent={SAY}, deadline=2)
    discovery = Discovery(etcd.endpoint, prefix, on_change=channel.update)
    await discovery.start()
    stub = echo_pb2_grpc.EchoStub(channel)
    errors: list[BaseException] = []
    answered = 0
    running = True

    async def client() -> None:
        nonlocal answered
        while running:
            try:
                await stub.Say(echo_pb2.SayRequest(text="hi", delay_ms=2))
                answered += 1
            except BeyondError as exc:
                errors.append(exc)

    clients = [asyncio.create_task(client()) for _ in range(10)]
    try:
        await eventually(lambda: answered > 50)
        third = await _add(etcd, cluster)
        await eventually(lambda: third.servicer.calls > 20)

        # kill -9 of the doomed replica: its server vanishes mid-call and nobody
        # revokes or refreshes its lease, so it stays listed until the TTL ends.
        await cancelled(keep_alive)
        await doomed.server.stop()
        before = answered
        await eventually(lambda: doomed_address not in channel.addresses)
        await eventually(lambda: answered > before + 100)
    finally:
        running = False
        await asyncio.gather(*clients)
        await discovery.stop()
        await channel.close()
        await cancelled(keep_alive)
        await leases.close()
    assert errors == []
    assert doomed.servicer.calls > 0 and second.servicer.calls > 0
    assert third.servicer.calls > 0


async def test_a_call_that_is_not_idempotent_fails_cleanly_and_is_never_sent_twice(
    etcd: EtcdServer, cluster: tuple[str, list[Replica], list[Registration]]
) -> None:
    doomed, other = await _add(etcd, cluster, grace=0), await _add(etcd, cluster)
    channel = BalancedChannel(service="echo", deadline=5)
    channel.update([f"127.0.0.1:{doomed.server.port}"])
    stub = echo_pb2_grpc.EchoStub(channel)
    call = asyncio.create_task(stub.Say(echo_pb2.SayRequest(text="pay", delay_ms=3000)))
    await eventually(lambda: doomed.servicer.calls == 1)
    channel.update([f"127.0.0.1:{doomed.server.port}", f"127.0.0.1:{other.server.port}"])
    await doomed.server.stop()
    with pytest.raises(BeyondError) as caught:
        await call
    await channel.close()
    assert caught.value.extensions["code"] == "UNAVAILABLE"
    assert caught.value.extensions["service"] == "echo"
    assert doomed.servicer.calls == 1 and other.servicer.calls == 0
