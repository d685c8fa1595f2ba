"""The channel a domain calls another domain on: its fixed target, or its replicas from etcd.

``peer_channel(settings, "accounts", deadline=…)`` is how every runtime
connects to a domain its spec ``calls``:

- by default (``BEYOND_GRPC_DISCOVERY=static``) a channel to the address in
  ``BEYOND_ACCOUNTS_GRPC_TARGET`` (``beyond dev`` needs nothing else);
- with ``BEYOND_GRPC_DISCOVERY=etcd``, a
  :class:`~shared.grpc.balanced.BalancedChannel` fed by a watch of
  ``/beyond/services/accounts/grpc/`` in ``BEYOND_REGISTRY_ETCD``, where
  ``beyond serve accounts`` registers each replica. That channel is a worker:
  ``beyond serve`` and ``beyond worker`` start it (see :func:`channel_workers`)
  before they serve, so the first call already knows the replicas.

Either way reads the ``.proto`` declares free of side effects are retried
and nothing else is (:mod:`shared.grpc.idempotency`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import grpc

from shared.grpc.balanced import BalancedChannel
from shared.grpc.client import create_channel
from shared.registry.discovery import Discovery
from shared.registry.etcd import EtcdEndpoint, service_prefix
from shared.settings import CommonSettings

PeerChannel: TypeAlias = grpc.aio.Channel | BalancedChannel
"""What typed clients are built on: a plain channel or a balanced one, used alike by stubs."""


def grpc_target_setting(name: str) -> str:
    """The setting of a caller that holds the address of ``name``'s gRPC server."""
    return f"{name}_grpc_target"


def peer_channel(settings: CommonSettings, name: str, *, deadline: float) -> PeerChannel:
    """A channel to the domain ``name``, as ``settings`` say to find it."""
    if settings.grpc_discovery == "etcd" and settings.registry_etcd is not None:
        etcd = EtcdEndpoint.parse(settings.registry_etcd)
        prefix = service_prefix(name, "grpc")
        return BalancedChannel(
            service=name,
            deadline=deadline,
            discovery=lambda update: Discovery(etcd, prefix, on_change=update),
        )
    target: str = getattr(settings, grpc_target_setting(name))
    return create_channel(target, service=name, deadline=deadline)


def channel_workers(channels: Iterable[object]) -> list[BalancedChannel]:
    """The channels among ``channels`` that follow a registry and must be started."""
    return [channel for channel in channels if isinstance(channel, BalancedChannel)]
