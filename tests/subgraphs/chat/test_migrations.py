"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from sqlalchemy.engine import URL

from subgraphs.chat.models import ChatBase
from tests.subgraphs.chat.conftest import MIGRATIONS
from tests.support.migrations import schema_differences


def test_migrations_reach_head_and_match_the_models(chat_mysql_url: URL) -> None:
    assert schema_differences(chat_mysql_url, MIGRATIONS, ChatBase.metadata) == []
