"""Replicas that die: ``beyond serve articles`` processes behind the router, one killed with -9.

Two articles replicas run as real processes, registered in a real etcd; the
router takes articles' URLs from etcd and balances them (p2c), and each
replica finds accounts' gRPC server there too (``BEYOND_GRPC_DISCOVERY=etcd``).
Clients keep querying through the router while one replica is killed with
SIGKILL in the middle of a mutation: no query fails, the mutation gets a
coded error and is never sent to the other replica, and a replica started
afterwards takes traffic.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pymysql
import pytest

from router.config import RouterConfig, SubgraphConfig
from router.http import create_router_app
from shared.domain import create_app
from shared.grpc import GrpcServer
from shared.lifecycle import running
from shared.registry.etcd import service_prefix
from shared.registry.registration import Registration
from subgraphs.accounts.domain import SPEC as ACCOUNTS
from subgraphs.accounts.runtime import build_runtime as build_accounts
from subgraphs.articles.domain import SPEC as ARTICLES
from tests.conftest import MYSQL_URL, REDIS_URL, MySQLDatabases
from tests.router.live_server import serving
from tests.subgraphs.accounts.conftest import new_mobile
from tests.support.domains import JWT_SECRET, settings_for
from tests.support.etcd import EtcdServer
from tests.support.graph import supergraph_of
from tests.support.graphql import GraphQLClient
from tests.support.polling import eventually
from tests.support.replicas import Replica, pid_holding
from tests.support.sms import RecordingSmsSender

QUERY = "{ articles(first: 5) { edges { node { id title } } } }"
PUBLISH = """mutation($t: String!) {
  publishArticle(input: {title: $t, content: "Written while replicas come and go."}) { id } }"""


def _mysql(database: str) -> pymysql.Connection[Any]:
    return pymysql.connect(
        host=MYSQL_URL.host or "127.0.0.1",
        port=MYSQL_URL.port or 3306,
        user=MYSQL_URL.username or "root",
        password=MYSQL_URL.password or "",
        database=database,
        autocommit=True,
    )


@asynccontextmanager
async def accounts_in_etcd(
    url: Any, redis_prefix: str, etcd: EtcdServer
) -> AsyncIterator[GraphQLClient]:
    """Accounts in this process, its gRPC server registered in etcd; yields its GraphQL client."""
    sms = RecordingSmsSender()
    runtime = build_accounts(settings_for(ACCOUNTS, url, redis_prefix), sms=sms)
    assert ACCOUNTS.grpc_services is not None
    server = GrpcServer(ACCOUNTS.grpc_services(runtime), address="127.0.0.1:0")
    client = GraphQLClient(create_app(ACCOUNTS, runtime))
    client.sms = sms  # type: ignore[attr-defined]
    try:
        async with running([server]):
            address = f"127.0.0.1:{server.port}"
            registration = Registration(
                etcd.endpoint, {service_prefix("accounts", "grpc") + address: address}
            )
            async with running([registration]):
                yield client
    finally:
        await client.aclose()
        await runtime.aclose()


async def _member(accounts: GraphQLClient) -> str:
    """A registered member's access token."""
    mobile = new_mobile()
    await accounts.data(
        "mutation($m: String!) { requestVerificationCode(mobile: $m, purpose: REGISTER) { expiresIn } }",
        {"m": mobile},
    )
    data = await accounts.data(
        """mutation($m: String!, $c: String!) {
             register(mobile: $m, code: $c, password: "correct1horse", nickname: "Survivor") {
               accessToken } }""",
        {"m": mobile, "c": accounts.sms.last_code(mobile)},  # type: ignore[attr-defined]
    )
    token: str = data["register"]["accessToken"]
    return token


async def _inserting_outbox(database: str) -> int | None:
    """The client port of the connection whose outbox INSERT waits for the table lock."""
    connection = _mysql(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT HOST FROM information_schema.PROCESSLIST "
                "WHERE DB = %s AND INFO LIKE 'INSERT INTO outbox%%'",
                (database,),
            )
            row = cursor.fetchone()
    finally:
        connection.close()
    return int(str(row[0]).rsplit(":", 1)[1]) if row else None


async def _registered(etcd: EtcdServer, service: str) -> list[str]:
    client = etcd.endpoint.client()
    await client.connect()
    try:
        listed = await client.get_prefix(service_prefix(service, "graphql").encode())
    finally:
        await client.close()
    return [kv.value.decode() for kv in listed]


@pytest.fixture
def databases(mysql_databases: MySQLDatabases) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    return {
        name: mysql_databases.create(f"{name}_failover{tag}", spec.migrations)
        for name, spec in (("accounts", ACCOUNTS), ("articles", ARTICLES))
    }


async def test_a_replica_killed_under_load_costs_no_query_and_never_repeats_a_mutation(
    tmp_path: Path, databases: dict[str, Any], redis_prefix: str
) -> None:
    etcd = EtcdServer(tmp_path / "etcd")  # its own: other tests register "accounts" too
    etcd.start()
    registry = f"http://127.0.0.1:{etcd.client_port}"
    articles_db = databases["articles"]
    env = {
        "BEYOND_ARTICLES_DATABASE_URL": articles_db.render_as_string(hide_password=False),
        "BEYOND_REDIS_URL": REDIS_URL,
        "BEYOND_REDIS_PREFIX": redis_prefix,
        "BEYOND_JWT_SECRET": JWT_SECRET,
        "BEYOND_REGISTRY_ETCD": registry,
        "BEYOND_REGISTRY_TTL": "3",
        "BEYOND_GRPC_DISCOVERY": "etcd",
        "BEYOND_LOG_LEVEL": "WARNING",
    }
    replicas: list[Replica] = []
    router = create_router_app(
        RouterConfig(
            supergraph=supergraph_of(tmp_path / "supergraph.graphql"),
            subgraphs={"articles": SubgraphConfig(discovery="etcd")},
            registry_etcd=registry,
        )
    )
    try:
        async with AsyncExitStack() as stack:
            accounts = await stack.enter_async_context(
                accounts_in_etcd(databases["accounts"], redis_prefix, etcd)
            )
            token = await _member(accounts)
            replicas += [Replica("articles", env), Replica("articles", env)]
            router_url = await stack.enter_async_context(serving(router, path="/graphql"))
            client = await stack.enter_async_context(httpx.AsyncClient(timeout=30))

            async def ask(query: str, **variables: Any) -> dict[str, Any]:
                response = await client.post(
                    router_url,
                    json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"},
                )
                body: dict[str, Any] = response.json()
                return body

            # Nothing is asked before both are registered (failed fetches would trip the
            # router's breaker); then both take queries.
            for _ in range(600):  # a guard against hanging: processes start in seconds
                if len(await _registered(etcd, "articles")) == 2:
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the replicas never registered: " + replicas[0].stop())
            for _ in range(200):
                await ask(QUERY)
                if all([await r.operations() > 0 for r in replicas]):
                    break
            # Publishing reaches accounts over gRPC, found in etcd as well.
            first = await ask(PUBLISH, t="Before the crash")
            assert "errors" not in first, first

            errors: list[dict[str, Any]] = []
            answered = 0
            loading = True

            async def reader() -> None:
                nonlocal answered
                while loading:
                    body = await ask(QUERY)
                    if "errors" in body or not body.get("data"):
                        errors.append(body)
                    answered += 1

            readers = [asyncio.create_task(reader()) for _ in range(6)]
            await eventually(lambda: answered > 30)

            # A mutation held inside a replica: its outbox INSERT waits on a table lock.
            lock = _mysql(articles_db.database or "")
            with lock.cursor() as cursor:
                cursor.execute("LOCK TABLES outbox WRITE")
            title = f"Lost in the crash {uuid.uuid4().hex[:6]}"
            mutation = asyncio.create_task(ask(PUBLISH, t=title))
            port = None
            for _ in range(400):
                port = await _inserting_outbox(articles_db.database or "")
                if port is not None or mutation.done():
                    break
                await asyncio.sleep(0.025)
            assert port is not None, await mutation
            holder = pid_holding(port, [r.pid for r in replicas])
            doomed = next(r for r in replicas if r.pid == holder)
            doomed.kill()
            lock.close()  # unlocked at once: a resent mutation would now commit
            before = answered
            body = await mutation
            assert body["data"] is None
            assert body["errors"][0]["extensions"]["code"] == "SUBGRAPH_UNAVAILABLE"

            # Queries keep answering while the dead replica is still registered and after
            # its lease expires; a replica started now takes traffic.
            await eventually(lambda: answered > before + 60)
            newcomer = Replica("articles", env)
            replicas.append(newcomer)
            for _ in range(600):
                if newcomer.url in await _registered(etcd, "articles"):
                    break
                await asyncio.sleep(0.1)
            else:
                pytest.fail("the new replica never registered: " + newcomer.stop())
            for _ in range(400):  # a guard against hanging, not a timing assertion
                if await newcomer.operations() > 0:
                    break
                await asyncio.sleep(0.05)
            else:
                pytest.fail("the new replica never took traffic")
            taken_at = answered
            await eventually(lambda: answered > taken_at + 30)
            loading = False
            await asyncio.gather(*readers)
            assert errors == []
            survivors = _mysql(articles_db.database or "")
            with survivors.cursor() as cursor:
                cursor.execute("SELECT COUNT(*) FROM articles WHERE title = %s", (title,))
                assert cursor.fetchone() == (0,)  # sent once, to the replica that died
            survivors.close()
    finally:
        for replica in replicas:
            errors_out = replica.stop()
            assert "Traceback" not in errors_out, errors_out
        etcd.stop()
