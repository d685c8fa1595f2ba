"""The migrations build exactly the schema the models describe, event tables included."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL

from shared.migrations import upgrade
from subgraphs.social.models import SocialBase
from tests.subgraphs.social.conftest import MIGRATIONS
from tests.support.migrations import schema_differences


def test_migrations_reach_head_and_match_the_models(social_mysql_url: URL) -> None:
    assert schema_differences(social_mysql_url, MIGRATIONS, SocialBase.metadata) == []


def test_an_outbox_from_before_trace_contexts_gains_the_column(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'social.db'}"
    upgrade(url, MIGRATIONS, "0001")
    engine = create_engine(url)
    with engine.begin() as connection:  # as revision 0001 created it before the column existed
        connection.execute(text("ALTER TABLE outbox DROP COLUMN trace_context"))
    upgrade(url, MIGRATIONS)
    columns = {column["name"] for column in inspect(engine).get_columns("outbox")}
    engine.dispose()
    assert "trace_context" in columns
