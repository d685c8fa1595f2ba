"""Database engines and the unit of work.

MariaDB/MySQL goes through aiomysql; the embedded default is SQLite through
aiosqlite. SQLite ignores ``SELECT … FOR UPDATE``, so concurrent
read-modify-write would lose updates: every SQLite transaction starts with
``BEGIN IMMEDIATE`` (writers serialize, WAL keeps readers going) after
disabling the driver's own implicit transactions.

The caller owns the transaction: ``async with database.transaction() as
session`` commits once at the end or rolls back on error. Work that must only
happen once the write is durable (deleting a cache key, say) is registered
with :func:`after_commit` and runs right after the commit.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, event
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
_AFTER_COMMIT = "beyond.after_commit"


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str | URL, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed, connect_args={"timeout": 30}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_async_engine(parsed, pool_pre_ping=True, pool_recycle=3600, **kwargs)


def after_commit(session: AsyncSession, action: AfterCommit) -> None:
    """Run ``action`` once the transaction ``session`` belongs to has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str | URL) -> Database:
        return cls(create_engine(url))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session:
            async with session.begin():
                yield session
            actions: list[AfterCommit] = session.info.pop(_AFTER_COMMIT, [])
        for action in actions:
            try:
                await action()
            except Exception:
                # The write is already durable; a failed follow-up must not undo
                # the client's success. Cache entries expire on their own TTL.
                log.exception("after-commit action failed")

    async def dispose(self) -> None:
        await self.engine.dispose()


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (MariaDB and SQLite store them naive)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous: pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# BIGINT ids, except on SQLite where only INTEGER PRIMARY KEY autoincrements.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(UTC)
