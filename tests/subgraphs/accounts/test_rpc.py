"""The accounts gRPC API over a real server on an ephemeral port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from contracts.accounts import accounts_pb2, accounts_pb2_grpc
from shared.errors import BadUserInput
from shared.grpc import GrpcServer, create_channel
from subgraphs.accounts.rpc.server import grpc_services
from tests.subgraphs.accounts.conftest import Accounts
from tests.support.sql import StatementCounter


@pytest.fixture
async def channel(accounts: Accounts) -> AsyncIterator[grpc.aio.Channel]:
    server = GrpcServer(grpc_services(accounts.runtime), address="127.0.0.1:0")
    await server.start()
    channel = create_channel(f"127.0.0.1:{server.port}", service="accounts")
    yield channel
    await channel.close()
    await server.stop()


async def test_users_exist_answers_for_a_batch(
    accounts: Accounts, channel: grpc.aio.Channel
) -> None:
    a, b = (await accounts.register())["user"]["id"], (await accounts.register())["user"]["id"]
    stub = accounts_pb2_grpc.UsersStub(channel)
    reply = await stub.UsersExist(
        accounts_pb2.UsersExistRequest(ids=[int(a), 999_999_999, int(b), int(a), 0, -5])
    )
    assert sorted(reply.existing_ids) == sorted({int(a), int(b)})
    empty = await stub.UsersExist(accounts_pb2.UsersExistRequest(ids=[]))
    assert list(empty.existing_ids) == []


async def test_users_exist_reads_through_the_user_cache(
    accounts: Accounts, channel: grpc.aio.Channel
) -> None:
    a = int((await accounts.register())["user"]["id"])
    stub = accounts_pb2_grpc.UsersStub(channel)
    request = accounts_pb2.UsersExistRequest(ids=[a, 999_999_998])
    with StatementCounter(accounts.runtime.database.engine) as cold:
        await stub.UsersExist(request)
    with StatementCounter(accounts.runtime.database.engine) as warm:
        reply = await stub.UsersExist(request)
    assert (cold.count, warm.count) == (1, 0)
    assert list(reply.existing_ids) == [a]


async def test_users_exist_refuses_oversized_batches(channel: grpc.aio.Channel) -> None:
    stub = accounts_pb2_grpc.UsersStub(channel)
    with pytest.raises(BadUserInput) as raised:
        await stub.UsersExist(accounts_pb2.UsersExistRequest(ids=range(1, 1002)))
    assert raised.value.extensions == {"code": "BAD_USER_INPUT", "field": "ids"}


async def test_the_accounts_server_reports_serving(channel: grpc.aio.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "beyond.accounts.v1.Users"):
        reply = await health.Check(health_pb2.HealthCheckRequest(service=service))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING
