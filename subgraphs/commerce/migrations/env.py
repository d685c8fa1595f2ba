"""Alembic environment of the commerce database."""

from shared.migrations import run_env
from subgraphs.commerce.models import CommerceBase

run_env(CommerceBase.metadata)
