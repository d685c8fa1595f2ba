"""Alembic environment of the articles database."""

from shared.migrations import run_env
from subgraphs.articles.models import ArticlesBase

run_env(ArticlesBase.metadata)
