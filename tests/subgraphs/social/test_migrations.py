"""The migrations build exactly the schema the models describe, event tables included."""

from __future__ import annotations

from sqlalchemy.engine import URL

from subgraphs.social.models import SocialBase
from tests.subgraphs.social.conftest import MIGRATIONS
from tests.support.migrations import schema_differences


def test_migrations_reach_head_and_match_the_models(social_mysql_url: URL) -> None:
    assert schema_differences(social_mysql_url, MIGRATIONS, SocialBase.metadata) == []
