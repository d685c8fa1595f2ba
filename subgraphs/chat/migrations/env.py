"""Alembic environment of the chat database."""

from shared.migrations import run_env
from subgraphs.chat.models import ChatBase

run_env(ChatBase.metadata)
