"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from sqlalchemy.engine import URL

from subgraphs.notifications.models import NotificationsBase
from tests.subgraphs.notifications.conftest import MIGRATIONS
from tests.support.migrations import schema_differences


def test_migrations_reach_head_and_match_the_models(notifications_mysql_url: URL) -> None:
    assert schema_differences(notifications_mysql_url, MIGRATIONS, NotificationsBase.metadata) == []
