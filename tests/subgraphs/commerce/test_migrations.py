"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from sqlalchemy.engine import URL

from subgraphs.commerce.models import CommerceBase
from tests.subgraphs.commerce.conftest import MIGRATIONS
from tests.support.migrations import schema_differences


def test_migrations_reach_head_and_match_the_models(commerce_mysql_url: URL) -> None:
    assert schema_differences(commerce_mysql_url, MIGRATIONS, CommerceBase.metadata) == []
