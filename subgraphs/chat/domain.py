"""The chat domain: direct conversations, group and public rooms, messages, live delivery."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.chat.context import ChatContext
from subgraphs.chat.runtime import NAME, ChatRuntime, build_runtime, workers
from subgraphs.chat.schema import build_schema
from subgraphs.chat.settings import ChatSettings

SPEC: DomainSpec[ChatSettings, ChatRuntime] = DomainSpec(
    name=NAME,
    port=4006,
    settings=ChatSettings,
    database_url=lambda settings: settings.chat_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=ChatContext.of,
    workers=workers,
)
