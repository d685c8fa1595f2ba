"""Test session wiring: real MariaDB and Redis on 127.0.0.1, isolated per session and test.

Every session creates its own uniquely named databases and drops them at the
end; every test gets its own Redis key prefix and loses its keys afterwards.

Tests that need MariaDB or Redis say so through the ``mysql_server`` /
``redis_server`` fixtures (``mysql_databases``, ``redis`` and ``redis_prefix``
use them). When a server is unreachable those tests are skipped with one line
saying which server and how to start it, the line is repeated at the end, and
the run fails; pure tests (planner, composition, operations) still run. Tests
marked ``node`` are skipped with the ``npm ci`` hint when tests/node lacks its
packages.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

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


def _mysql_down() -> str | None:
    """The one-line hint when MariaDB does not answer, else ``None``."""
    try:
        _mysql_connection().close()
    except pymysql.err.MySQLError:
        return (
            f"MariaDB is not reachable at {MYSQL_URL.host}:{MYSQL_URL.port or 3306}: "
            f"start it with `{_START_MARIADB}` or set BEYOND_TEST_MYSQL_URL"
        )
    return None


def _redis_down() -> str | None:
    """The one-line hint when Redis does not answer, else ``None``."""
    client = SyncRedis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except RedisError:
        return (
            f"Redis is not reachable at {REDIS_URL}: start it with `{_START_REDIS}` "
            "or set BEYOND_TEST_REDIS_URL"
        )
    finally:
        client.close()
    return None


NODE_DIR = Path(__file__).resolve().parent / "node"
NODE_HINT = (
    "needs node and the npm packages in tests/node: run `cd tests/node && npm ci` "
    "(./scripts/test does)"
)
# Fixture name -> why a test using it cannot run, probed once per session.
_DOWN: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Probe the servers once: tests that need a server that is down are skipped with its
    one-line hint (and the run fails), while every other test runs."""
    _DOWN["mysql_server"] = _mysql_down()
    _DOWN["redis_server"] = _redis_down()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    node_missing = shutil.which("node") is None or not (NODE_DIR / "node_modules").is_dir()
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        for fixture, hint in _DOWN.items():
            if hint is not None and fixture in fixtures:
                item.add_marker(pytest.mark.skip(reason=hint))
        if node_missing and item.get_closest_marker("node"):
            item.add_marker(pytest.mark.skip(reason=NODE_HINT))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for hint in dict.fromkeys(h for h in _DOWN.values() if h is not None):
        terminalreporter.write_line(f"ERROR: {hint}", red=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that skipped tests for a server that is down never looks green."""
    if any(_DOWN.values()) and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def mysql_server() -> None:
    """Tests using this (directly or through another fixture) need MariaDB."""


@pytest.fixture(scope="session")
def redis_server() -> None:
    """Tests using this (directly or through another fixture) need Redis."""


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
def mysql_databases(mysql_server: None) -> Iterator[MySQLDatabases]:
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
def redis_prefix(redis_server: None) -> Iterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"beyondtest:{SESSION_TAG}:{uuid.uuid4().hex[:8]}:"
    yield prefix
    client = SyncRedis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
async def redis(redis_server: None) -> AsyncIterator[Redis]:
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
