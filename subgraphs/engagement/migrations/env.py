"""Alembic environment of the engagement database."""

from shared.migrations import run_env
from subgraphs.engagement.models import EngagementBase

run_env(EngagementBase.metadata)
