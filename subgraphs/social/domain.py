"""The social domain: who follows whom, counts and lists; serves ``Follows`` over gRPC."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.social.context import SocialContext
from subgraphs.social.rpc.server import grpc_services
from subgraphs.social.runtime import NAME, SocialRuntime, build_runtime, workers
from subgraphs.social.schema import build_schema
from subgraphs.social.settings import SocialSettings

SPEC: DomainSpec[SocialSettings, SocialRuntime] = DomainSpec(
    name=NAME,
    port=4002,
    settings=SocialSettings,
    database_url=lambda settings: settings.social_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=SocialContext.of,
    workers=workers,
    grpc_services=grpc_services,
    grpc_port=5002,
    calls=("accounts",),
)
