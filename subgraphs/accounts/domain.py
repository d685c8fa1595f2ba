"""The accounts domain: members, sign-up and sign-in, profiles; serves ``Users`` over gRPC."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.accounts.context import AccountsContext
from subgraphs.accounts.rpc.server import grpc_services
from subgraphs.accounts.runtime import NAME, AccountsRuntime, build_runtime
from subgraphs.accounts.schema import build_schema
from subgraphs.accounts.seed import seed
from subgraphs.accounts.settings import AccountsSettings

SPEC: DomainSpec[AccountsSettings, AccountsRuntime] = DomainSpec(
    name=NAME,
    port=4001,
    settings=AccountsSettings,
    database_url=lambda settings: settings.accounts_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=AccountsContext.of,
    grpc_services=grpc_services,
    grpc_port=5001,
    seed=seed,
)
