"""The shop database (MariaDB, or SQLite where a test asks for ``sqlite_shop``) and its streams."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import delete
from sqlalchemy.engine import URL

from shared.db import Database
from shared.events import event_stream
from tests.conftest import MySQLDatabases
from tests.shared.events.models import EVENT_TABLES, Order, Shipment

MIGRATIONS = Path(__file__).parent / "migrations"


@pytest.fixture(scope="session")
def shop_mysql_url(mysql_databases: MySQLDatabases) -> URL:
    return mysql_databases.create("shop", MIGRATIONS)


@pytest.fixture
async def shop(shop_mysql_url: URL) -> AsyncIterator[Database]:
    """The MariaDB shop database, emptied: outbox rows of one test must not reach another."""
    database = Database.from_url(shop_mysql_url)
    async with database.transaction() as session:
        for table in (EVENT_TABLES.outbox, EVENT_TABLES.processed_events):
            await session.execute(delete(table))
        for model in (Order, Shipment):
            await session.execute(delete(model))
    yield database
    await database.dispose()


@pytest.fixture
async def sqlite_shop(sqlite_url: Callable[[str, Path], URL]) -> AsyncIterator[Database]:
    database = Database.from_url(sqlite_url("shop", MIGRATIONS))
    yield database
    await database.dispose()


@pytest.fixture
def stream(redis_prefix: str) -> str:
    return event_stream(redis_prefix, "shop")


@pytest.fixture
async def dead_redis() -> AsyncIterator[Redis]:
    """A client of a Redis that is down: nothing listens on port 1."""
    from shared.redis import create_redis

    client = create_redis("redis://127.0.0.1:1/0")
    yield client
    await client.aclose()
