"""The social gRPC API, and what follow does when accounts cannot answer."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from contracts.social import social_pb2, social_pb2_grpc
from shared.errors import BadUserInput
from shared.grpc import GrpcServer, create_channel
from subgraphs.social.rpc.server import grpc_services
from tests.subgraphs.social.conftest import FOLLOW, Social
from tests.support.graphql import error_of
from tests.support.net import free_port


@pytest.fixture
async def follows(social: Social) -> AsyncIterator[Any]:
    """A stub of social's own gRPC server, started on an ephemeral port."""
    server = GrpcServer(grpc_services(social.runtime), address="127.0.0.1:0")
    await server.start()
    channel = create_channel(f"127.0.0.1:{server.port}", service="social")
    yield social_pb2_grpc.FollowsStub(channel), channel
    await channel.close()
    await server.stop()


async def follower_batches(stub: Any, user_id: str, batch_size: int = 0) -> list[list[str]]:
    request = social_pb2.FollowerIdsRequest(user_id=int(user_id), batch_size=batch_size)
    return [[str(i) for i in batch.follower_ids] async for batch in stub.FollowerIds(request)]


@pytest.mark.sqlite
async def test_follower_ids_stream_in_batches_newest_first(social: Social, follows: Any) -> None:
    stub, _ = follows
    [star, *fans] = await social.users(8)
    for fan in fans:
        await social.follow(fan, star)
    batches = await follower_batches(stub, star, batch_size=3)
    assert [len(batch) for batch in batches] == [3, 3, 1]
    assert [fan for batch in batches for fan in batch] == fans[::-1]
    assert await follower_batches(stub, star) == [fans[::-1]]  # the default batch holds them


async def test_followee_ids_stream_whom_a_user_follows_newest_first(
    social: Social, follows: Any
) -> None:
    stub, _ = follows
    [fan, *stars] = await social.users(6)
    for star in stars:
        await social.follow(fan, star)
    request = social_pb2.FolloweeIdsRequest(user_id=int(fan), batch_size=4)
    batches = [[str(i) for i in batch.followee_ids] async for batch in stub.FolloweeIds(request)]
    assert batches == [stars[::-1][:4], stars[::-1][4:]]


async def test_a_user_without_followers_streams_nothing(social: Social, follows: Any) -> None:
    stub, _ = follows
    [loner] = await social.users(1)
    assert await follower_batches(stub, loner) == []


async def test_follower_ids_refuses_a_huge_batch(social: Social, follows: Any) -> None:
    stub, _ = follows
    with pytest.raises(BadUserInput) as raised:
        await follower_batches(stub, "1", batch_size=5001)
    assert raised.value.extensions["field"] == "batch_size"


@pytest.mark.sqlite
async def test_which_followed_answers_for_a_batch(social: Social, follows: Any) -> None:
    stub, _ = follows
    ada, bob, cy, dan = await social.users(4)
    await social.follow(ada, bob)
    await social.follow(ada, cy)
    await social.follow(dan, ada)
    reply = await stub.WhichFollowed(
        social_pb2.WhichFollowedRequest(
            follower_id=int(ada), candidate_ids=[int(bob), int(cy), int(dan), int(ada), 42]
        )
    )
    assert sorted(str(i) for i in reply.followed_ids) == sorted([bob, cy])


async def test_the_social_server_reports_serving(follows: Any) -> None:
    _, channel = follows
    health = health_pb2_grpc.HealthStub(channel)
    for service in ("", "beyond.social.v1.Follows"):
        reply = await health.Check(health_pb2.HealthCheckRequest(service=service))
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_follow_fails_fast_and_clearly_when_accounts_is_down(
    social_factory: Callable[..., Any],
) -> None:
    social: Social = await social_factory(accounts_grpc_target=f"127.0.0.1:{free_port()}")
    ada, bob = await social.users(2)
    started = time.monotonic()
    body = await social.client.execute(FOLLOW, {"id": bob}, token=social.token(ada))
    assert time.monotonic() - started < 2
    error = error_of(body)
    assert error["message"] == "The accounts service is unavailable. Try again shortly."
    assert error["extensions"] == {
        "code": "UNAVAILABLE",
        "retryAfter": 1,
        "service": "accounts",
        "status": "UNAVAILABLE",
    }
    assert await social.events(ada) == []


async def test_follow_fails_when_the_accounts_server_has_stopped(social: Social) -> None:
    ada, bob = await social.users(2)
    await social.accounts_grpc.stop()
    body = await social.client.execute(FOLLOW, {"id": bob}, token=social.token(ada))
    assert error_of(body)["extensions"]["status"] == "UNAVAILABLE"
    assert error_of(body)["extensions"]["code"] == "UNAVAILABLE"
    assert await social.events(ada) == []


async def test_follow_gives_up_at_the_deadline_when_accounts_hangs(
    social_factory: Callable[..., Any],
) -> None:
    # A listening socket nobody accepts from: connections complete, nothing ever answers.
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        social: Social = await social_factory(
            accounts_grpc_target=f"127.0.0.1:{hung.getsockname()[1]}", accounts_grpc_deadline=0.3
        )
        ada, bob = await social.users(2)
        started = time.monotonic()
        body = await social.client.execute(FOLLOW, {"id": bob}, token=social.token(ada))
        elapsed = time.monotonic() - started
    assert 0.25 < elapsed < 2
    error = error_of(body)
    assert error["message"] == "The accounts service did not answer within 0.3 s. Try again."
    assert error["extensions"]["status"] == "DEADLINE_EXCEEDED"
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert error["extensions"]["retryAfter"] >= 1
    assert await social.events(ada) == []
