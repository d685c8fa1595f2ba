"""Versioned schema migrations (Alembic), one history per service, in its own database.

Alembic is synchronous, so migrations run on the synchronous twin of the
service's driver (pymysql for aiomysql, sqlite3 for aiosqlite), in a worker
thread when called from async code. For MySQL/MariaDB the service's database
is created first if it does not exist; that is the only DDL outside a
migration. Each service's ``migrations/env.py`` is just
``run_env(Base.metadata)``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, create_engine, pool, text
from sqlalchemy.engine import URL, make_url

_SYNC_DRIVERS = {"mysql+aiomysql": "mysql+pymysql", "sqlite+aiosqlite": "sqlite+pysqlite"}


def sync_url(url: str | URL) -> URL:
    parsed = make_url(url)
    return parsed.set(drivername=_SYNC_DRIVERS.get(parsed.drivername, parsed.drivername))


def ensure_database(url: str | URL) -> None:
    """Create the MySQL database, or the SQLite file's folder, that ``url`` names."""
    parsed = sync_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    name = parsed.database
    if not name:
        raise ValueError(f"the database URL names no database: {parsed.render_as_string()}")
    server = create_engine(parsed._replace(database=None), poolclass=pool.NullPool)
    with server.connect() as connection:
        connection.execute(
            text(
                f"CREATE DATABASE IF NOT EXISTS `{name}` "
                "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
        )
    server.dispose()


def _config(url: str | URL, script_location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["url"] = sync_url(url)
    return config


def upgrade(url: str | URL, script_location: Path, revision: str = "head") -> None:
    ensure_database(url)
    command.upgrade(_config(url, script_location), revision)


def current_revision(url: str | URL) -> str | None:
    engine = create_engine(sync_url(url), poolclass=pool.NullPool)
    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    return revision


def head_revision(script_location: Path) -> str | None:
    return ScriptDirectory.from_config(_config("sqlite://", script_location)).get_current_head()


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    url = context.config.attributes["url"]
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=url.get_backend_name() == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
