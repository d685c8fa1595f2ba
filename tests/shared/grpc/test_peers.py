"""A domain's channel to another: the fixed target by default, the replicas in etcd when asked."""

from __future__ import annotations

import uuid

import pytest

from shared.grpc import GrpcServer, GrpcService
from shared.grpc.balanced import BalancedChannel
from shared.grpc.peers import channel_workers, peer_channel
from shared.registry.etcd import service_prefix
from shared.registry.registration import Registration
from shared.settings import CommonSettings, SettingsError, load_settings
from tests.shared.grpc import echo_pb2, echo_pb2_grpc
from tests.shared.grpc.echo_service import ECHO, EchoServicer
from tests.support.etcd import EtcdServer
from tests.support.polling import eventually

SECRET = "x" * 32


class PeerSettings(CommonSettings):
    echo_grpc_target: str = "127.0.0.1:1"


async def _replica() -> tuple[GrpcServer, EchoServicer, str]:
    echo = EchoServicer()
    server = GrpcServer(
        [GrpcService(ECHO, echo, echo_pb2_grpc.add_EchoServicer_to_server)],
        address="127.0.0.1:0",
        grace=0.2,
    )
    await server.start()
    return server, echo, f"127.0.0.1:{server.port}"


async def test_by_default_a_peer_is_called_at_its_fixed_target() -> None:
    server, echo, address = await _replica()
    settings = PeerSettings(jwt_secret=SECRET, echo_grpc_target=address)
    channel = peer_channel(settings, "echo", deadline=2)
    assert channel_workers([channel]) == []
    reply = await echo_pb2_grpc.EchoStub(channel).Say(echo_pb2.SayRequest(text="hi"))
    await channel.close()
    await server.stop()
    assert reply.text == "hi" and echo.calls == 1


async def test_with_etcd_discovery_calls_spread_over_the_registered_replicas(
    etcd: EtcdServer,
) -> None:
    name = f"echo{uuid.uuid4().hex[:8]}"
    replicas = [await _replica() for _ in range(2)]
    registrations = [
        Registration(etcd.endpoint, {service_prefix(name, "grpc") + address: address}, ttl=2)
        for _, _, address in replicas
    ]
    for registration in registrations:
        await registration.start()
    settings = PeerSettings(
        jwt_secret=SECRET,
        registry_etcd=f"http://127.0.0.1:{etcd.client_port}",
        grpc_discovery="etcd",
    )
    channel = peer_channel(settings, name, deadline=2)
    assert isinstance(channel, BalancedChannel) and channel_workers([channel]) == [channel]
    await channel.start()  # what beyond serve does before serving
    try:
        assert channel.addresses == {address for _, _, address in replicas}
        stub = echo_pb2_grpc.EchoStub(channel)
        for _ in range(40):
            await stub.Say(echo_pb2.SayRequest(text="hi"))
        assert all(echo.calls > 0 for _, echo, _ in replicas)
        third = await _replica()
        replicas.append(third)
        registrations.append(
            Registration(etcd.endpoint, {service_prefix(name, "grpc") + third[2]: third[2]}, ttl=2)
        )
        await registrations[-1].start()
        await eventually(lambda: third[2] in channel.addresses)
        for _ in range(20):
            await stub.Say(echo_pb2.SayRequest(text="hi"))
        assert third[1].calls > 0
    finally:
        await channel.stop()
        await channel.close()
        for registration in registrations:
            await registration.stop()
        for server, _, _ in replicas:
            await server.stop()


def test_etcd_discovery_needs_a_registry() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(PeerSettings, jwt_secret=SECRET, grpc_discovery="etcd")
    assert caught.value.lines == [
        "BEYOND_GRPC_DISCOVERY is invalid: `etcd` needs BEYOND_REGISTRY_ETCD, the registry to read"
    ]
