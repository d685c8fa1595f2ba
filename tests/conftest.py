"""Test session wiring: real MariaDB and Redis on 127.0.0.1, isolated per session and test.

Every session creates its own uniquely named databases and drops them at the
end; every test gets its own Redis key prefix and loses its keys afterwards.
If a server is unreachable the session stops at once with one line saying
which one and how to start it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pymysql
import pytest
from redis import Redis as SyncRedis
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.engine import URL, make_url

from shared.migrations import upgrade
from tests.support.etcd import EtcdServer

MYSQL_URL = make_url(
    os.environ.get(
        "BEYOND_TEST_MYSQL_URL", "mysql+aiomysql://root:@127.0.0.1:3306/?charset=utf8mb4"
    )
)
REDIS_URL = os.environ.get("BEYOND_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SESSION_TAG = uuid.uuid4().hex[:10]

_START_MARIADB = "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
_START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def _mysql_connection() -> pymysql.Connection[pymysql.cursors.Cursor]:
    return pymysql.connect(
        host=MYSQL_URL.host or "127.0.0.1",
        port=MYSQL_URL.port or 3306,
        user=MYSQL_URL.username or "root",
        password=MYSQL_URL.password or "",
        connect_timeout=3,
        autocommit=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Stop before collecting anything when a server the tests need is down."""
    try:
        _mysql_connection().close()
    except pymysql.err.MySQLError:
        raise pytest.UsageError(
            f"MariaDB is not reachable at {MYSQL_URL.host}:{MYSQL_URL.port or 3306}: "
            f"start it with `{_START_MARIADB}` or set BEYOND_TEST_MYSQL_URL"
        ) from None
    client = SyncRedis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except RedisError:
        raise pytest.UsageError(
            f"Redis is not reachable at {REDIS_URL}: start it with `{_START_REDIS}` "
            "or set BEYOND_TEST_REDIS_URL"
        ) from None
    finally:
        client.close()


class MySQLDatabases:
    """Creates ``beyond_t<session>_<name>`` databases with their migrations; drops them all."""

    def __init__(self) -> None:
        self._created: list[str] = []

    def create(self, name: str, migrations: Path) -> URL:
        database = f"beyond_t{SESSION_TAG}_{name}"
        url = MYSQL_URL.set(database=database)
        upgrade(url, migrations)
        self._created.append(database)
        return url

    def drop_all(self) -> None:
        connection = _mysql_connection()
        with connection.cursor() as cursor:
            for database in self._created:
                cursor.execute(f"DROP DATABASE IF EXISTS `{database}`")
        connection.close()


@pytest.fixture(scope="session")
def mysql_databases() -> Iterator[MySQLDatabases]:
    databases = MySQLDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    """A real etcd on loopback for the session (Debian's etcd-server; `.ci/run` installs it)."""
    if shutil.which("etcd") is None:
        pytest.fail("etcd is not installed: apt-get install -y etcd-server")
    server = EtcdServer(tmp_path_factory.mktemp("etcd") / "data")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"beyondtest:{SESSION_TAG}:{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = SyncRedis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, decode_responses=True, protocol=2)
    yield client
    await client.aclose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Callable[[str, Path], URL]:
    def create(name: str, migrations: Path) -> URL:
        url = make_url(f"sqlite+aiosqlite:///{tmp_path / name}.db")
        upgrade(url, migrations)
        return url

    return create
