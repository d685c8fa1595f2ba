"""Registration and discovery against a real etcd: add, remove, lose the lease, restart etcd."""

from __future__ import annotations

import uuid
from pathlib import Path

from shared.registry.discovery import Discovery
from shared.registry.etcd import EtcdEndpoint, service_prefix
from shared.registry.registration import Registration
from tests.support.etcd import EtcdServer
from tests.support.polling import eventually


def _service() -> str:
    return f"svc{uuid.uuid4().hex[:8]}"


async def test_a_replica_is_discovered_when_it_registers_and_dropped_when_it_stops(
    etcd: EtcdServer,
) -> None:
    service = _service()
    prefix = service_prefix(service, "grpc")
    first = Registration(etcd.endpoint, {f"{prefix}one": "127.0.0.1:7001"}, ttl=5)
    await first.start()
    seen: list[frozenset[str]] = []
    discovery = Discovery(etcd.endpoint, prefix, on_change=seen.append)
    await discovery.start()
    try:
        assert discovery.addresses == {"127.0.0.1:7001"}  # read before start() returns
        second = Registration(etcd.endpoint, {f"{prefix}two": "127.0.0.1:7002"}, ttl=5)
        await second.start()
        await eventually(lambda: discovery.addresses == {"127.0.0.1:7001", "127.0.0.1:7002"})
        await first.stop()  # a clean stop revokes the lease: gone at once, not after the TTL
        await eventually(lambda: discovery.addresses == {"127.0.0.1:7002"})
        await second.stop()
        await eventually(lambda: not discovery.addresses)
    finally:
        await discovery.stop()
    assert seen[-1] == frozenset()


async def test_a_replica_that_dies_without_stopping_expires_with_its_lease(
    etcd: EtcdServer,
) -> None:
    prefix = service_prefix(_service(), "graphql")
    client = etcd.endpoint.client()
    await client.connect()
    lease = await client.lease(1)  # what a killed replica leaves: a lease nobody refreshes
    await client.put(f"{prefix}dead".encode(), b"http://127.0.0.1:7009/graphql", lease=lease)
    discovery = Discovery(etcd.endpoint, prefix)
    await discovery.start()
    try:
        assert discovery.addresses == {"http://127.0.0.1:7009/graphql"}
        await eventually(lambda: not discovery.addresses)
    finally:
        await discovery.stop()
        await client.close()


async def test_registration_and_discovery_come_back_after_etcd_loses_everything(
    tmp_path: Path,
) -> None:
    server = EtcdServer(tmp_path / "data")
    server.start()
    prefix = service_prefix(_service(), "grpc")
    registration = Registration(server.endpoint, {f"{prefix}one": "127.0.0.1:7101"}, ttl=1)
    await registration.start()
    discovery = Discovery(server.endpoint, prefix)
    await discovery.start()
    try:
        assert discovery.addresses == {"127.0.0.1:7101"}
        server.stop(wipe=True)  # etcd dies and comes back empty: the lease is gone
        server.start()
        await eventually(lambda: registration.registrations >= 2)
        await eventually(lambda: discovery.addresses == {"127.0.0.1:7101"})
        check = server.endpoint.client()
        await check.connect()
        listed = await check.get_prefix(prefix.encode())
        await check.close()
        assert [kv.value for kv in listed] == [b"127.0.0.1:7101"]
    finally:
        await discovery.stop()
        await registration.stop()
        server.stop()


def test_etcd_addresses_parse() -> None:
    assert EtcdEndpoint.parse("http://10.0.0.2:2381") == EtcdEndpoint("10.0.0.2", 2381)
    assert EtcdEndpoint.parse("127.0.0.1") == EtcdEndpoint("127.0.0.1", 2379)
