"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, pool
from sqlalchemy.engine import URL

from shared.migrations import current_revision, head_revision, sync_url
from subgraphs.accounts.app import MIGRATIONS
from subgraphs.accounts.models import AccountsBase


def test_migrations_reach_head_and_match_the_models(accounts_mysql_url: URL) -> None:
    assert current_revision(accounts_mysql_url) == head_revision(MIGRATIONS)
    engine = create_engine(sync_url(accounts_mysql_url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, AccountsBase.metadata)
    engine.dispose()
    assert differences == []
