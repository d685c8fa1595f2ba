"""The registry of Beyond's services: how to configure, migrate, build and seed each one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import strawberry
from fastapi import FastAPI

from shared.grpc import GrpcService
from shared.lifecycle import Worker
from shared.settings import CommonSettings
from subgraphs.accounts import app as accounts_app
from subgraphs.accounts.rpc.server import grpc_services as accounts_grpc_services
from subgraphs.accounts.schema import build_schema as accounts_schema
from subgraphs.accounts.seed import seed as seed_accounts
from subgraphs.accounts.settings import AccountsSettings
from subgraphs.social import app as social_app
from subgraphs.social.rpc.server import grpc_services as social_grpc_services
from subgraphs.social.schema import build_schema as social_schema
from subgraphs.social.settings import SocialSettings


async def _seed_accounts(app: FastAPI) -> int:
    return await seed_accounts(app.state.service, app.state.database)


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    """How to run one service.

    Optional parts, built from the service's settings and its app (whose
    ``state`` holds the database and Redis client the workers share):

    ``workers``
        its event relays and consumers (:mod:`shared.events`); ``beyond dev``
        and ``beyond serve`` run them beside the HTTP server, ``beyond worker``
        runs only them.
    ``grpc_services`` and ``grpc_port``
        the services of its gRPC server and the port it listens on under
        ``beyond dev`` (``beyond serve --grpc-port`` overrides it). Under
        ``beyond dev`` every other service whose settings declare
        ``<name>_grpc_target`` is pointed at ``127.0.0.1:<grpc_port>``.
    """

    name: str
    dev_port: int
    settings_cls: type[CommonSettings]
    create_app: Callable[[Any], FastAPI]
    build_schema: Callable[[], strawberry.federation.Schema]
    migrations: Path
    seed: Callable[[FastAPI], Awaitable[int]] | None = None
    workers: Callable[[Any, FastAPI], Sequence[Worker]] | None = None
    grpc_services: Callable[[Any, FastAPI], Sequence[GrpcService]] | None = None
    grpc_port: int | None = None

    def __post_init__(self) -> None:
        if (self.grpc_services is None) != (self.grpc_port is None):
            raise ValueError(f"{self.name}: grpc_services and grpc_port go together")

    @property
    def grpc_target_setting(self) -> str:
        return f"{self.name}_grpc_target"

    @property
    def database_setting(self) -> str:
        return f"{self.name}_database_url"

    @property
    def database_variable(self) -> str:
        return f"BEYOND_{self.name.upper()}_DATABASE_URL"

    def database_url(self, settings: CommonSettings) -> str:
        url: str = getattr(settings, self.database_setting)
        return url


SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec(
            name="accounts",
            dev_port=4001,
            settings_cls=AccountsSettings,
            create_app=accounts_app.create_app,
            build_schema=accounts_schema,
            migrations=accounts_app.MIGRATIONS,
            seed=_seed_accounts,
            grpc_services=accounts_grpc_services,
            grpc_port=5001,
        ),
        ServiceSpec(
            name="social",
            dev_port=4002,
            settings_cls=SocialSettings,
            create_app=social_app.create_app,
            build_schema=social_schema,
            migrations=social_app.MIGRATIONS,
            workers=social_app.workers,
            grpc_services=social_grpc_services,
            grpc_port=5002,
        ),
    )
}


def export_sdls() -> dict[str, str]:
    """Each subgraph's SDL as its ``_service { sdl }`` would serve it, printed from code."""
    return {name: spec.build_schema().as_str() + "\n" for name, spec in SERVICES.items()}
