"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from sqlalchemy.engine import URL

from subgraphs.qa.models import QaBase
from tests.subgraphs.qa.conftest import MIGRATIONS
from tests.support.migrations import schema_differences


def test_migrations_reach_head_and_match_the_models(qa_mysql_url: URL) -> None:
    assert schema_differences(qa_mysql_url, MIGRATIONS, QaBase.metadata) == []
