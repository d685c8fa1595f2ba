"""Checking that a service's migrations build exactly the schema its models describe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, pool
from sqlalchemy.engine import URL

from shared.migrations import current_revision, head_revision, sync_url


def schema_differences(url: URL, migrations: Path, metadata: MetaData) -> list[Any]:
    """What differs between the migrated database at ``url`` and ``metadata`` (asserting head)."""
    assert current_revision(url) == head_revision(migrations)
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences: list[Any] = compare_metadata(context, metadata)
    engine.dispose()
    return differences
