"""The engagement domain: likes, comments and replies, the hot list and recommendations."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.engagement.context import EngagementContext
from subgraphs.engagement.rpc.server import grpc_services
from subgraphs.engagement.runtime import NAME, EngagementRuntime, build_runtime, workers
from subgraphs.engagement.schema import build_schema
from subgraphs.engagement.settings import EngagementSettings

SPEC: DomainSpec[EngagementSettings, EngagementRuntime] = DomainSpec(
    name=NAME,
    port=4005,
    settings=EngagementSettings,
    database_url=lambda settings: settings.engagement_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=EngagementContext.of,
    workers=workers,
    grpc_services=grpc_services,
    grpc_port=5005,
)
