"""Alembic environment of the event tests' shop database."""

from shared.migrations import run_env
from tests.shared.events.models import ShopBase

run_env(ShopBase.metadata)
