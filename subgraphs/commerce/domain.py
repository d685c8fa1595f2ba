"""The commerce domain: products, flash sales, orders, payment, delivery and membership."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.commerce.context import CommerceContext
from subgraphs.commerce.rpc.server import grpc_services
from subgraphs.commerce.runtime import NAME, CommerceRuntime, build_runtime, workers
from subgraphs.commerce.schema import build_schema
from subgraphs.commerce.settings import CommerceSettings
from subgraphs.commerce.webhook import webhook_routes

SPEC: DomainSpec[CommerceSettings, CommerceRuntime] = DomainSpec(
    name=NAME,
    port=4008,
    settings=CommerceSettings,
    database_url=lambda settings: settings.commerce_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=CommerceContext.of,
    workers=workers,
    grpc_services=grpc_services,
    grpc_port=5008,
    routes=lambda runtime: webhook_routes(
        runtime.checkout, runtime.settings.payment_webhook_secret
    ),
)
