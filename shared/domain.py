"""What a domain is: one typed spec per ``subgraphs/<name>/``, and the runtime it builds.

Every domain package has a ``domain.py`` exporting ``SPEC``, a
:class:`DomainSpec`; ``beyond`` discovers them (``beyond.domains``) and derives
everything central from them: the registry, ``beyond dev``/``serve``/
``worker``/``migrate``, ``beyond schema compose``, the compose file, the
routing file and the README's settings table.

From its settings a domain builds one frozen :class:`Runtime` (database, Redis,
gRPC channels to the domains it calls, its services). The GraphQL app
(:func:`create_app`), the event workers and the gRPC servicers are all built
from that runtime, and whoever built the runtime closes it (``aclose``) after
everything built from it has stopped.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import strawberry
from fastapi import FastAPI
from redis.asyncio import Redis
from starlette.requests import HTTPConnection
from starlette.routing import BaseRoute

from shared.db import Database
from shared.graphql.app import create_service_app
from shared.graphql.context import Caller, RequestContext
from shared.grpc import GrpcService
from shared.grpc.peers import PeerChannel
from shared.grpc.peers import grpc_target_setting as grpc_target_setting
from shared.health import backing_services
from shared.lifecycle import Worker
from shared.settings import CommonSettings
from shared.tokens import AccessTokens

log = logging.getLogger(__name__)

S = TypeVar("S", bound=CommonSettings)
R = TypeVar("R", bound="Runtime[Any]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Runtime(Generic[S]):
    """What a domain runs on, built once from its settings. Domains subclass it to add
    their services; ``aclose`` closes the channels, the database pool and Redis."""

    settings: S
    database: Database
    redis: Redis
    tokens: AccessTokens
    channels: tuple[PeerChannel, ...] = field(default=())
    """The gRPC channels to the domains the spec ``calls``, in that order
    (from :func:`~shared.grpc.peers.peer_channel`)."""

    async def aclose(self) -> None:
        for channel in self.channels:
            await channel.close()
        await self.database.dispose()
        await self.redis.aclose()


@dataclass(frozen=True, kw_only=True)
class DomainSpec(Generic[S, R]):
    """How to configure, migrate, build, serve and seed one domain.

    ``port`` is its HTTP port under ``beyond dev`` (the router's port + its
    offset from 4000 when the router moves) and in the compose file;
    ``grpc_port`` that of its gRPC server, if it serves ``grpc_services``.
    ``calls`` names the domains whose gRPC servers it calls: its settings have
    ``<name>_grpc_target`` for each, which ``beyond dev`` and the compose file
    point at that domain's gRPC port, and its runtime connects to each with
    :func:`~shared.grpc.peers.peer_channel` (a fixed target, or the replicas
    registered in etcd).
    """

    name: str
    port: int
    settings: type[S]
    database_url: Callable[[S], str]
    migrations: Path
    build_schema: Callable[[], strawberry.federation.Schema]
    build_runtime: Callable[[S], R]
    context: Callable[[R, Caller], RequestContext[Any, Any]]
    workers: Callable[[R], Sequence[Worker]] | None = None
    grpc_services: Callable[[R], Sequence[GrpcService]] | None = None
    grpc_port: int | None = None
    calls: tuple[str, ...] = ()
    seed: Callable[[R], Awaitable[int]] | None = None
    on_shutdown: Callable[[R], Awaitable[None]] | None = None
    """Run when the app stops, before the runtime is closed (e.g. flush buffered counts)."""
    routes: Callable[[R], Sequence[BaseRoute]] | None = None
    """HTTP endpoints besides GraphQL (e.g. a payment provider's webhook)."""

    def __post_init__(self) -> None:
        if (self.grpc_services is None) != (self.grpc_port is None):
            raise ValueError(f"{self.name}: grpc_services and grpc_port go together")

    @property
    def database_variable(self) -> str:
        return f"BEYOND_{self.name.upper()}_DATABASE_URL"


def create_app(spec: DomainSpec[Any, R], runtime: R) -> FastAPI:
    """The domain's GraphQL app over ``runtime``; the caller closes the runtime afterwards."""

    async def context(connection: HTTPConnection, _response: object) -> RequestContext[Any, Any]:
        return spec.context(
            runtime, Caller.of(connection, runtime.tokens, runtime.settings.router_secret)
        )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if spec.on_shutdown is not None:
                await spec.on_shutdown(runtime)

    return create_service_app(
        title=spec.name,
        schema=spec.build_schema(),
        context_factory=context,
        lifespan=lifespan,
        # ``channels`` hold the gRPC peers in the order of ``calls``.
        ready=lambda: backing_services(
            runtime.database, runtime.redis, dict(zip(spec.calls, runtime.channels, strict=True))
        ),
        shedder=runtime.settings.shedder(spec.name),
        routes=spec.routes(runtime) if spec.routes is not None else (),
    )
