"""Running services in one event loop: HTTP, gRPC servers and event workers, stopped in order.

Each app's own lifespan (its database pool and Redis client) is entered
first and left last; inside it the gRPC server and the event relays and
consumers start (a taken port fails here, with a clear message), then the
HTTP servers serve until SIGINT or SIGTERM. Shutdown runs the other way, so
no worker outlives the connections it uses. uvicorn's own lifespan handling
and signal capture are off, because this runner owns both.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator, Sequence
from contextlib import AsyncExitStack, contextmanager

import uvicorn
from fastapi import FastAPI
from starlette.applications import Starlette

from beyond.services import ServiceSpec
from shared.grpc import GrpcServer
from shared.lifecycle import Worker, running
from shared.registry.etcd import EtcdEndpoint, service_prefix
from shared.registry.registration import Registration
from shared.settings import CommonSettings


class _Server(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the runner."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def http_server(app: Starlette, *, host: str, port: int, log_level: str) -> uvicorn.Server:
    return _Server(
        uvicorn.Config(app, host=host, port=port, log_level=log_level, ws="auto", lifespan="off")
    )


def grpc_server(
    spec: ServiceSpec, settings: CommonSettings, app: FastAPI, *, host: str, port: int | None
) -> GrpcServer | None:
    """The service's gRPC server on ``host:port`` (its dev port by default), if it has one."""
    port = port or spec.grpc_port
    if spec.grpc_services is None or port is None:
        return None
    return GrpcServer(spec.grpc_services(settings, app), address=f"{host}:{port}")


def registration(
    spec: ServiceSpec,
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


def event_workers(spec: ServiceSpec, settings: CommonSettings, app: FastAPI) -> list[Worker]:
    return list(spec.workers(settings, app)) if spec.workers else []


async def run_until_stopped(
    *,
    apps: Sequence[Starlette],
    workers: Sequence[Worker],
    servers: Sequence[uvicorn.Server] = (),
) -> None:
    """Run ``workers`` and ``servers`` inside the apps' lifespans until a signal arrives."""
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
