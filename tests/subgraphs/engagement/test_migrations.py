"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from sqlalchemy.engine import URL

from subgraphs.engagement.models import EngagementBase
from tests.subgraphs.engagement.conftest import MIGRATIONS
from tests.support.migrations import schema_differences


def test_migrations_reach_head_and_match_the_models(engagement_mysql_url: URL) -> None:
    assert schema_differences(engagement_mysql_url, MIGRATIONS, EngagementBase.metadata) == []
