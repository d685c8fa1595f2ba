"""The registry of Beyond's services: how to configure, migrate, build and seed each one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import strawberry
from fastapi import FastAPI

from shared.settings import CommonSettings
from subgraphs.accounts import app as accounts_app
from subgraphs.accounts.schema import build_schema as accounts_schema
from subgraphs.accounts.seed import seed as seed_accounts
from subgraphs.accounts.settings import AccountsSettings


async def _seed_accounts(app: FastAPI) -> int:
    return await seed_accounts(app.state.service, app.state.database)


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    dev_port: int
    settings_cls: type[CommonSettings]
    create_app: Callable[[Any], FastAPI]
    build_schema: Callable[[], strawberry.federation.Schema]
    migrations: Path
    seed: Callable[[FastAPI], Awaitable[int]] | None = None

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
        ),
    )
}


def export_sdls() -> dict[str, str]:
    """Each subgraph's SDL as its ``_service { sdl }`` would serve it, printed from code."""
    return {name: spec.build_schema().as_str() + "\n" for name, spec in SERVICES.items()}
