"""Alembic environment of the accounts database."""

from shared.migrations import run_env
from subgraphs.accounts.models import AccountsBase

run_env(AccountsBase.metadata)
