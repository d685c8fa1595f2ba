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

Nothing here waits without bound (:class:`DatabaseTimeouts`): opening a
connection has ``connect`` seconds, taking one from a full pool ``checkout``
seconds, one statement ``statement`` seconds (MariaDB's ``max_statement_time``,
enforced by the server, lock waits included; SQLite's busy timeout), and one
unit of work ``transaction`` seconds on the client's clock, which also covers a
server that stopped answering altogether. Running out of any of them, or
losing the server, raises :class:`DatabaseUnavailable` (``UNAVAILABLE`` with
``retryAfter``) from :meth:`Database.transaction`, so a frozen database costs
a client a bounded wait and a coded error, never a hang.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator

from shared.errors import Unavailable

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
_AFTER_COMMIT = "beyond.after_commit"


@dataclass(frozen=True, slots=True)
class DatabaseTimeouts:
    """Seconds each kind of database wait may take (see the module docstring)."""

    connect: float = 3.0
    checkout: float = 3.0
    statement: float = 5.0
    transaction: float = 10.0


# MariaDB/MySQL errors meaning "the database cannot serve this now": statement time
# exceeded, lock wait timeout, cannot connect, server gone, connection lost, too many
# connections, server shutting down.
_UNAVAILABLE_ERRNOS = frozenset({1969, 3024, 1205, 2003, 2006, 2013, 1040, 1053})


class DatabaseUnavailable(Unavailable):
    """The database did not answer within its bound, or is unreachable."""

    RETRY_AFTER = 1

    def __init__(self) -> None:
        super().__init__(
            "The database is not answering right now. Try again shortly.",
            retry_after=self.RETRY_AFTER,
        )


def _is_unavailable(error: BaseException) -> bool:
    if isinstance(error, TimeoutError | sa_exc.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        args: tuple[object, ...] = getattr(error.orig, "args", ())
        return bool(args) and args[0] in _UNAVAILABLE_ERRNOS
    return False


def _configure_sqlite(engine: AsyncEngine, busy_timeout: float) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(
    url: str | URL, *, timeouts: DatabaseTimeouts | None = None, **kwargs: Any
) -> AsyncEngine:
    timeouts = timeouts or DatabaseTimeouts()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(parsed, connect_args={"timeout": timeouts.statement}, **kwargs)
        _configure_sqlite(engine, timeouts.statement)
        return engine
    connect_args = {
        "connect_timeout": timeouts.connect,
        "init_command": f"SET SESSION max_statement_time={timeouts.statement:g}",
    }
    if "poolclass" not in kwargs:
        kwargs["pool_timeout"] = timeouts.checkout
    return create_async_engine(
        parsed, pool_pre_ping=True, pool_recycle=3600, connect_args=connect_args, **kwargs
    )


def after_commit(session: AsyncSession, action: AfterCommit) -> None:
    """Run ``action`` once the transaction ``session`` belongs to has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


class Database:
    def __init__(self, engine: AsyncEngine, *, transaction_timeout: float = 10.0) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._transaction_timeout = transaction_timeout

    @classmethod
    def from_url(cls, url: str | URL, *, timeouts: DatabaseTimeouts | None = None) -> Database:
        timeouts = timeouts or DatabaseTimeouts()
        return cls(create_engine(url, timeouts=timeouts), transaction_timeout=timeouts.transaction)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work, committed at the end; :class:`DatabaseUnavailable` past its bounds."""
        try:
            async with asyncio.timeout(self._transaction_timeout):
                async with self._sessions() as session:
                    async with session.begin():
                        yield session
                    actions: list[AfterCommit] = session.info.pop(_AFTER_COMMIT, [])
        except Exception as exc:
            if _is_unavailable(exc):
                log.warning("database unavailable: %s", exc)
                raise DatabaseUnavailable() from exc
            raise
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
