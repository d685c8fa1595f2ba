"""Alembic environment of the social database."""

from shared.migrations import run_env
from subgraphs.social.models import SocialBase

run_env(SocialBase.metadata)
