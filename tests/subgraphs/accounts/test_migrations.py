"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from sqlalchemy.engine import URL

from subgraphs.accounts.models import AccountsBase
from tests.subgraphs.accounts.conftest import MIGRATIONS
from tests.support.migrations import schema_differences


def test_migrations_reach_head_and_match_the_models(accounts_mysql_url: URL) -> None:
    assert schema_differences(accounts_mysql_url, MIGRATIONS, AccountsBase.metadata) == []
