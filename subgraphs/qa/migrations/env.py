"""Alembic environment of the qa database."""

from shared.migrations import run_env
from subgraphs.qa.models import QaBase

run_env(QaBase.metadata)
