"""A frozen MariaDB costs a bounded wait and a coded UNAVAILABLE, never a hang.

Freezes are real: a second connection holding ``LOCK TABLES … WRITE`` (the
server blocks our statement), a TCP proxy in front of MariaDB stopped with
SIGSTOP (the server stops answering at all), and a pool whose only
connection is taken.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import URL

from shared.db import Database, DatabaseTimeouts, DatabaseUnavailable, create_engine
from shared.errors import ErrorCode
from tests.conftest import MYSQL_URL, SESSION_TAG, _mysql_connection
from tests.support.net import free_port
from tests.support.tcp_proxy import tcp_proxy

# Outer guard only: if a bound failed, the test fails here instead of hanging the suite.
NEVER = 30.0


@pytest.fixture(scope="module")
def frozen_db() -> Iterator[URL]:
    name = f"beyond_t{SESSION_TAG}_frozen"
    connection = _mysql_connection()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE IF NOT EXISTS `{name}`")
        cursor.execute(f"CREATE TABLE IF NOT EXISTS `{name}`.items (id INT PRIMARY KEY)")
    yield MYSQL_URL.set(database=name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    connection.close()


@pytest.fixture
def table_locked(frozen_db: URL) -> Iterator[None]:
    holder = _mysql_connection()
    with holder.cursor() as cursor:
        cursor.execute(f"LOCK TABLES `{frozen_db.database}`.items WRITE")
    yield
    with holder.cursor() as cursor:
        cursor.execute("UNLOCK TABLES")
    holder.close()


@pytest.fixture
async def database(frozen_db: URL) -> AsyncIterator[Database]:
    db = Database.from_url(frozen_db, timeouts=DatabaseTimeouts(statement=0.5, transaction=NEVER))
    yield db
    await db.dispose()


async def _count(database: Database) -> int:
    async with database.transaction() as session:
        return int((await session.execute(text("SELECT COUNT(*) FROM items"))).scalar_one())


@pytest.mark.usefixtures("table_locked")
async def test_a_statement_blocked_by_a_lock_ends_at_the_statement_timeout(
    database: Database,
) -> None:
    async with asyncio.timeout(NEVER):
        with pytest.raises(DatabaseUnavailable) as caught:
            await _count(database)
    assert caught.value.extensions == {
        "code": ErrorCode.UNAVAILABLE.value,
        "retryAfter": 1,
    }
    # The server ended it (max_statement_time exceeded), not the client's transaction bound.
    cause = caught.value.__cause__
    assert isinstance(cause, sa_exc.OperationalError)
    assert cause.orig is not None and cause.orig.args[0] == 1969


async def test_the_statement_timeout_leaves_the_pool_usable(database: Database) -> None:
    assert await _count(database) == 0


async def test_a_server_that_stops_answering_ends_at_the_transaction_timeout(
    frozen_db: URL,
) -> None:
    port = free_port()
    upstream = MYSQL_URL.host or "127.0.0.1", MYSQL_URL.port or 3306
    with tcp_proxy(port, *upstream) as proxy:
        database = Database.from_url(
            frozen_db.set(host="127.0.0.1", port=port),
            timeouts=DatabaseTimeouts(statement=NEVER, transaction=0.5),
        )
        try:
            assert await _count(database) == 0  # a pooled connection exists before the freeze
            os.kill(proxy.pid, signal.SIGSTOP)
            try:
                for _ in range(2):  # the pooled connection, then a fresh one
                    async with asyncio.timeout(NEVER):
                        with pytest.raises(DatabaseUnavailable) as caught:
                            await _count(database)
                    assert isinstance(caught.value.__cause__, TimeoutError)
            finally:
                os.kill(proxy.pid, signal.SIGCONT)
            assert await _count(database) == 0
        finally:
            await database.dispose()


async def test_waiting_for_a_pooled_connection_ends_at_the_checkout_timeout(
    frozen_db: URL,
) -> None:
    database = Database(
        create_engine(
            frozen_db, timeouts=DatabaseTimeouts(checkout=0.2), pool_size=1, max_overflow=0
        ),
        transaction_timeout=NEVER,
    )
    try:
        async with database.transaction() as held:
            await held.execute(text("SELECT 1"))
            with pytest.raises(DatabaseUnavailable) as caught:
                await _count(database)
        assert isinstance(caught.value.__cause__, sa_exc.TimeoutError)
        assert await _count(database) == 0
    finally:
        await database.dispose()


def test_other_database_errors_are_not_unavailable(frozen_db: URL) -> None:
    async def bad_statement() -> None:
        database = Database.from_url(frozen_db)
        try:
            async with database.transaction() as session:
                await session.execute(text("SELECT * FROM no_such_table"))
        finally:
            await database.dispose()

    with pytest.raises(sa_exc.ProgrammingError):
        asyncio.run(bad_statement())
