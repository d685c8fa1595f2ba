"""The qa domain: questions, answers, votes on answers and the accepted answer."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.qa.context import QaContext
from subgraphs.qa.runtime import NAME, QaRuntime, build_runtime, workers
from subgraphs.qa.schema import build_schema
from subgraphs.qa.settings import QaSettings

SPEC: DomainSpec[QaSettings, QaRuntime] = DomainSpec(
    name=NAME,
    port=4004,
    settings=QaSettings,
    database_url=lambda settings: settings.qa_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=QaContext.of,
    workers=workers,
)
