"""The ``beyond`` command as an operator uses it: real processes, real MariaDB."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pymysql
import pytest

from tests.conftest import MYSQL_URL, REDIS_URL, SESSION_TAG
from tests.support.etcd import EtcdServer
from tests.support.net import dev_graph_port, free_port

ROOT = Path(__file__).resolve().parents[2]
# What `beyond serve` needs beyond dev's defaults: a real Redis and an SMS provider.
PRODUCTION_BACKENDS = {
    "BEYOND_REDIS_URL": REDIS_URL,
    "BEYOND_SMS_PROVIDER": "webhook",
    "BEYOND_SMS_WEBHOOK_URL": "http://127.0.0.1:9/sms",
}


def _beyond(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    return subprocess.run(
        [sys.executable, "-m", "beyond.cli", *args],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_serve_names_every_missing_setting_and_fails() -> None:
    result = _beyond("serve", "accounts")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "beyond: accounts cannot start:" in lines
    assert any("BEYOND_ACCOUNTS_DATABASE_URL is not set" in line for line in lines)
    assert any("BEYOND_DATA_KEY is not set" in line for line in lines)
    assert any("BEYOND_JWT_SECRET is not set" in line for line in lines)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_refuses_the_dev_only_redis_and_console_sms(command: str) -> None:
    result = _beyond(
        command,
        "accounts",
        env={
            "BEYOND_ACCOUNTS_DATABASE_URL": "mysql+aiomysql://root:@127.0.0.1:1/never_reached",
            "BEYOND_DATA_KEY": "A" * 43 + "=",
            "BEYOND_JWT_SECRET": "x" * 32,
        },
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "beyond: accounts cannot start:",
        "beyond:   BEYOND_REDIS_URL is not set: the in-process store is for `beyond dev` only "
        "(codes, rate limits and caches would live and die in one process)",
        "beyond:   BEYOND_SMS_PROVIDER is console, which prints one-time codes on stdout: "
        "use webhook (and BEYOND_SMS_WEBHOOK_URL) outside `beyond dev`",
    ]


def test_serve_names_malformed_settings() -> None:
    result = _beyond(
        "serve",
        "accounts",
        env={
            "BEYOND_DATA_KEY": "c2hvcnQ=",
            "BEYOND_JWT_SECRET": "too-short",
            "BEYOND_ACCESS_TOKEN_TTL": "ten",
        },
    )
    assert result.returncode == 1
    assert "BEYOND_DATA_KEY is invalid: must decode to 32 bytes, got 5" in result.stderr
    assert "BEYOND_JWT_SECRET is invalid: must be at least 32 bytes" in result.stderr
    assert "BEYOND_ACCESS_TOKEN_TTL is invalid" in result.stderr


@pytest.fixture
def scratch_database(mysql_server: None) -> Iterator[str]:
    name = f"beyond_t{SESSION_TAG}_cli"
    yield MYSQL_URL.set(database=name).render_as_string(hide_password=False)
    connection = pymysql.connect(
        host=MYSQL_URL.host,
        port=MYSQL_URL.port or 3306,
        user=MYSQL_URL.username,
        password=MYSQL_URL.password or "",
        autocommit=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
    connection.close()


def test_migrate_creates_the_database_and_is_idempotent(scratch_database: str) -> None:
    env = {"BEYOND_ACCOUNTS_DATABASE_URL": scratch_database}
    first = _beyond("migrate", "accounts", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "accounts: empty -> 0001"
    again = _beyond("migrate", "accounts", env=env)
    assert again.stdout.strip() == "accounts: already up to date"


def test_migrate_without_a_url_says_which_variable(scratch_database: str) -> None:
    result = _beyond("migrate", "accounts")
    assert result.returncode == 1
    assert result.stderr.startswith("beyond: BEYOND_ACCOUNTS_DATABASE_URL is not set")


def test_serve_refuses_an_unmigrated_database(scratch_database: str) -> None:
    env = {
        "BEYOND_ACCOUNTS_DATABASE_URL": scratch_database.replace("_cli", "_cli_missing"),
        "BEYOND_DATA_KEY": "A" * 43 + "=",
        "BEYOND_JWT_SECRET": "x" * 32,
        **PRODUCTION_BACKENDS,
    }
    result = _beyond("serve", "accounts", env=env)
    assert result.returncode == 1
    assert "cannot reach the accounts database" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_dev_serves_the_graph_and_prints_codes(tmp_path: Path) -> None:
    port = dev_graph_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "beyond.cli",
            "dev",
            "--seed",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        # Without PYTHONUNBUFFERED, as a pipe to tee or a log collector would have it.
        env={
            k: v
            for k, v in os.environ.items()
            if not k.startswith("BEYOND_") and k != "PYTHONUNBUFFERED"
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    # A line that never comes must fail the test, not hang it: killing the process
    # ends the read.
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        banner = ""
        while "Beyond is running" not in banner:
            line = process.stdout.readline()
            assert line, banner  # the process ended before it started serving
            banner += line
        assert "seeded 5 demo record(s)" in banner
        community = ""
        while "Demo logins" not in community:
            line = process.stdout.readline()
            assert line, community
            community += line
        assert "community: 10 follows, 6 new article(s), chat in /chat" in community
        assert "engagement: 24 likes, 6 new comment(s)" in community
        assert "Demo logins (password beyond2026): Ada 13800000001, Grace 13800000002" in community
        assert f"accounts: http://127.0.0.1:{port + 1}/graphql" in banner
        assert f"the graph at {url}" in banner
        deadline = time.monotonic() + 30
        while True:
            try:
                page = httpx.get(url, headers={"Accept": "text/html"})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline, "beyond dev did not start listening"
                time.sleep(0.2)
        assert "GraphiQL" in page.text

        def gql(query: str, token: str | None = None) -> dict[str, object]:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            body: dict[str, object] = httpx.post(url, json={"query": query}, headers=headers).json()
            assert "errors" not in body, body
            return body

        gql(
            'mutation { requestVerificationCode(mobile: "13711112222", purpose: REGISTER) { expiresIn } }'
        )
        line = ""
        while not line.startswith("SMS to "):
            line = process.stdout.readline()
        match = re.fullmatch(r"SMS to 13711112222: (\d{6})\n", line)
        assert match, line
        registered = gql(
            f'mutation {{ register(mobile: "13711112222", code: "{match[1]}", password: "first2try", '
            'nickname: "Dev") { accessToken } }'
        )
        token = registered["data"]["register"]["accessToken"]  # type: ignore[index]
        me = httpx.post(
            url,
            json={"query": "{ me { nickname mobile } }"},
            headers={"Authorization": f"Bearer {token}", "Beyond-Query-Plan": "true"},
        ).json()
        assert me["data"] == {"me": {"nickname": "Dev", "mobile": "137****2222"}}
        assert 'Fetch(service: "accounts")' in me["extensions"]["queryPlan"]  # the router answered
        demo = gql(
            'mutation { login(mobile: "13800000001", password: "beyond2026") { user { nickname } } }'
        )
        assert demo["data"] == {"login": {"user": {"nickname": "Ada"}}}
        ada = gql('{ users(ids: ["1"]) { id nickname } }')["data"]["users"][0]  # type: ignore[index]
        assert ada == {"id": "1", "nickname": "Ada"}
        # Through the router: social asks accounts over gRPC whether Ada exists, and the
        # router joins Ada's nickname from accounts to social's counts (4 seeded followers).
        followed = httpx.post(
            url,
            json={
                "query": 'mutation { follow(userId: "1") { nickname followerCount viewerFollows } }'
            },
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        assert followed == {
            "data": {"follow": {"nickname": "Ada", "followerCount": 5, "viewerFollows": True}}
        }
        # The message center grew from the same events: Ada has five new followers.
        ada_token = gql(
            'mutation { login(mobile: "13800000001", password: "beyond2026") { accessToken } }'
        )["data"]["login"]["accessToken"]  # type: ignore[index]
        arrived = {"unreadCounts": {"follow": 5}}
        deadline = time.monotonic() + 30
        while gql("{ unreadCounts { follow } }", ada_token)["data"] != arrived:
            assert time.monotonic() < deadline, "the follow notifications did not arrive"
            time.sleep(0.1)
        # The seeded chat, on SQLite and the in-process Redis, and the page that shows it.
        chats = gql(
            "{ conversations(first: 5) { edges { node { kind title lastMessage { body } } } } }",
            ada_token,
        )["data"]["conversations"]["edges"]  # type: ignore[index]
        assert {(e["node"]["kind"], e["node"]["title"]) for e in chats} == {
            ("DIRECT", None),
            ("ROOM", "Lobby"),
        }
        assert "Beyond chat" in httpx.get(f"http://127.0.0.1:{port}/chat").text
        assert f"Chat: http://127.0.0.1:{port}/chat" in banner
    finally:
        watchdog.cancel()
        process.send_signal(signal.SIGINT)  # Ctrl-C
        rest = process.communicate(timeout=15)[0]
    assert process.returncode == 0, rest
    assert "Traceback" not in rest
    assert (tmp_path / "accounts.db").exists()


@pytest.fixture
def migrated(scratch_database: str) -> dict[str, str]:
    """The environment of an accounts service whose database is migrated."""
    env = {
        "BEYOND_ACCOUNTS_DATABASE_URL": scratch_database,
        "BEYOND_DATA_KEY": "A" * 43 + "=",
        "BEYOND_JWT_SECRET": "x" * 32,
        **PRODUCTION_BACKENDS,
    }
    assert _beyond("migrate", "accounts", env=env).returncode == 0
    return env


def test_worker_says_when_a_service_has_no_event_workers(migrated: dict[str, str]) -> None:
    result = _beyond("worker", "accounts", env=migrated)
    assert result.returncode == 1
    assert result.stderr == "beyond: accounts has no event relays or consumers to run\n"


def test_proto_check_passes_on_current_stubs() -> None:
    result = _beyond("proto", "--check")
    assert result.returncode == 0, result.stderr


def test_serve_runs_until_terminated(migrated: dict[str, str]) -> None:
    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "beyond.cli",
            "serve",
            "accounts",
            "--port",
            str(port),
            "--grpc-port",
            str(free_port()),
        ],
        cwd=ROOT,
        env={**clean, **migrated},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health")
                break
            except httpx.ConnectError:
                assert process.poll() is None, process.communicate()[0]
                assert time.monotonic() < deadline, "beyond serve did not start listening"
                time.sleep(0.2)
        assert health.json() == {"status": "ok"}
        ready = httpx.get(f"http://127.0.0.1:{port}/ready")
        assert ready.json() == {"status": "ready", "database": "ok", "redis": "ok"}
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0]
    assert process.returncode == 0, output
    assert "Traceback" not in output


def _registered(etcd: EtcdServer, service: str) -> dict[str, str]:
    async def read() -> dict[str, str]:
        client = etcd.endpoint.client()
        await client.connect()
        try:
            listed = await client.get_prefix(f"/beyond/services/{service}/".encode())
        finally:
            await client.close()
        return {kv.key.decode(): kv.value.decode() for kv in listed}

    return asyncio.run(read())


def test_serve_registers_in_etcd_and_leaves_on_a_clean_stop(
    migrated: dict[str, str], etcd: EtcdServer
) -> None:
    port, grpc_port = free_port(), free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BEYOND_")}
    registry = {"BEYOND_REGISTRY_ETCD": f"http://127.0.0.1:{etcd.client_port}"}
    command = ["serve", "accounts", "--port", str(port), "--grpc-port", str(grpc_port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "beyond.cli", *command],
        cwd=ROOT,
        env={**clean, **migrated, **registry},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    graphql, address = f"http://127.0.0.1:{port}/graphql", f"127.0.0.1:{grpc_port}"
    expected = {
        f"/beyond/services/accounts/graphql/{graphql}": graphql,
        f"/beyond/services/accounts/grpc/{address}": address,
    }
    try:
        entries: dict[str, str] = {}
        # The two endpoints register one after the other: wait for both (the loop guards
        # against hanging, it is not a timing assertion).
        for _ in range(300):
            entries = _registered(etcd, "accounts")
            if entries == expected or process.poll() is not None:
                break
            time.sleep(0.1)
        assert entries == expected
    finally:
        process.terminate()
        output = process.communicate(timeout=15)[0]
    assert process.returncode == 0, output
    assert _registered(etcd, "accounts") == {}  # revoked on the way out, not left to expire
