"""The articles domain: articles, tags, view counts and the feed."""

from __future__ import annotations

from pathlib import Path

from shared.domain import DomainSpec
from subgraphs.articles.context import ArticlesContext
from subgraphs.articles.runtime import NAME, ArticlesRuntime, build_runtime, flush_views, workers
from subgraphs.articles.schema import build_schema
from subgraphs.articles.settings import ArticlesSettings

SPEC: DomainSpec[ArticlesSettings, ArticlesRuntime] = DomainSpec(
    name=NAME,
    port=4003,
    settings=ArticlesSettings,
    database_url=lambda settings: settings.articles_database_url,
    migrations=Path(__file__).parent / "migrations",
    build_schema=build_schema,
    build_runtime=build_runtime,
    context=ArticlesContext.of,
    workers=workers,
    calls=("accounts", "social", "commerce"),
    on_shutdown=flush_views,
)
