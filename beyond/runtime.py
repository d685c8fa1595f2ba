"""Running services in one event loop: HTTP, gRPC servers and event workers, stopped in order.

Each domain's runtime (its database pool, Redis client and gRPC channels) is
closed last; inside, each app's lifespan is entered, then the gRPC servers and
the event relays and consumers start (a taken port fails here, with a clear
message), then the HTTP servers serve until SIGINT or SIGTERM. Shutdown runs
the other way, so no worker outlives the connections it uses. uvicorn's own lifespan handling
and signal capture are off, because this runner owns both.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager
from typing import Any, TypeVar

import uvicorn
from starlette.applications import Starlette

from shared.domain import DomainSpec, Runtime
from shared.grpc import GrpcServer
from shared.grpc.peers import channel_workers
from shared.http_server import server_config
from shared.lifecycle import Worker, running
from shared.registry.etcd import EtcdEndpoint, service_prefix
from shared.registry.registration import Registration
from shared.settings import CommonSettings

R = TypeVar("R", bound=Runtime[Any])


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the runner."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def http_server(app: Starlette, *, host: str, port: int, log_level: str) -> uvicorn.Server:
    """A server with the project's edge rules (:mod:`shared.http_server`) and default limits."""
    return _Server(server_config(app, host=host, port=port, log_level=log_level, lifespan="off"))


def grpc_server(
    spec: DomainSpec[Any, R], runtime: R, *, host: str, port: int | None
) -> GrpcServer | None:
    """The domain's gRPC server on ``host:port`` (its spec's port by default), if it has one;
    it sheds calls past capacity as the HTTP side does."""
    port = port or spec.grpc_port
    if spec.grpc_services is None or port is None:
        return None
    return GrpcServer(
        spec.grpc_services(runtime),
        address=f"{host}:{port}",
        shedder=runtime.settings.shedder(spec.name, server="grpc"),
    )


def peer_workers(runtime: Runtime[Any]) -> list[Worker]:
    """The runtime's channels that follow the registry: started first, before any call."""
    return list(channel_workers(runtime.channels))


def registration(
    spec: DomainSpec[Any, Any],
    settings: CommonSettings,
    *,
    host: str,
    http_port: int,
    grpc_port: int | None,
) -> Registration | None:
    """The instance's GraphQL (and gRPC) endpoints in etcd, when a registry is configured."""
    if settings.registry_etcd is None:
        return None
    advertised = settings.advertise_host or host
    graphql = f"http://{advertised}:{http_port}/graphql"
    entries = {service_prefix(spec.name, "graphql") + graphql: graphql}
    if grpc_port is not None:
        address = f"{advertised}:{grpc_port}"
        entries[service_prefix(spec.name, "grpc") + address] = address
    return Registration(
        EtcdEndpoint.parse(settings.registry_etcd), entries, ttl=settings.registry_ttl
    )


def event_workers(spec: DomainSpec[Any, R], runtime: R) -> list[Worker]:
    return list(spec.workers(runtime)) if spec.workers else []


async def run_until_stopped(
    *,
    apps: Sequence[Starlette],
    workers: Sequence[Worker],
    servers: Sequence[uvicorn.Server] = (),
    runtimes: Sequence[Runtime[Any]] = (),
) -> None:
    """Run ``workers`` and ``servers`` inside the apps' lifespans until a signal arrives;
    close ``runtimes`` once everything built on them has stopped."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()

    def stop() -> None:
        stopping.set()
        for server in servers:
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    try:
        async with AsyncExitStack() as stack:
            for runtime in runtimes:
                stack.push_async_callback(runtime.aclose)
            for app in apps:
                await stack.enter_async_context(app.router.lifespan_context(app))
            await stack.enter_async_context(running(workers))
            if servers:
                await asyncio.gather(*(server.serve() for server in servers))
            else:
                await stopping.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
