"""Alembic environment of the notifications database."""

from shared.migrations import run_env
from subgraphs.notifications.models import NotificationsBase

run_env(NotificationsBase.metadata)
