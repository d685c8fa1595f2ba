"""The engagement gRPC API: counts of many subjects, and which of them a member likes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from contracts.engagement import engagement_pb2, engagement_pb2_grpc
from contracts.engagement.client import MAX_SUBJECTS, EngagementClient
from shared.errors import BadUserInput
from shared.grpc import GrpcServer, create_channel
from subgraphs.engagement.rpc.server import grpc_services
from subgraphs.engagement.rules import Kind
from tests.subgraphs.engagement.conftest import COMMENT, LIKE, Engagement, add_subjects, new_id


@pytest.fixture
async def client(engagement: Engagement) -> AsyncIterator[EngagementClient]:
    server = GrpcServer(grpc_services(engagement.runtime), address="127.0.0.1:0")
    await server.start()
    client = EngagementClient(
        create_channel(f"127.0.0.1:{server.port}", service="engagement", deadline=5)
    )
    yield client
    await client.channel.close()
    await server.stop()


async def test_counts_include_unflushed_likes_and_comments(
    engagement: Engagement, client: EngagementClient
) -> None:
    first, second = await add_subjects(engagement.runtime, Kind.ARTICLE, 2)
    fans = [str(new_id()) for _ in range(3)]
    for fan in fans:
        await engagement.execute(LIKE, fan, kind="ARTICLE", id=str(first))
    made = await engagement.execute(COMMENT, fans[0], kind="ARTICLE", id=str(first), body="Hi")
    comment = int(made["data"]["comment"]["id"])
    await engagement.execute(COMMENT, fans[1], kind="COMMENT", id=str(comment), body="Yo")
    await engagement.execute(LIKE, fans[2], kind="COMMENT", id=str(comment))

    unknown = new_id()
    counts = await client.counts(
        [("ARTICLE", first), ("ARTICLE", second), ("COMMENT", comment), ("ANSWER", unknown)]
    )
    assert counts == {
        ("ARTICLE", first): (3, 2),
        ("ARTICLE", second): (0, 0),
        ("COMMENT", comment): (1, 1),
        ("ANSWER", unknown): (0, 0),
    }
    liked = await client.which_liked(int(fans[2]), [("ARTICLE", first), ("ARTICLE", second)])
    assert liked == {("ARTICLE", first)}
    assert await client.which_liked(int(fans[2]), [("COMMENT", comment)]) == {("COMMENT", comment)}


async def test_asking_about_too_many_subjects_at_once_is_refused(
    client: EngagementClient,
) -> None:
    stub = engagement_pb2_grpc.EngagementStub(client.channel)
    subjects = [
        engagement_pb2.Subject(kind=engagement_pb2.ARTICLE, id=n) for n in range(MAX_SUBJECTS + 1)
    ]
    with pytest.raises(BadUserInput, match="at most 1000 subjects"):
        await stub.Counts(engagement_pb2.CountsRequest(subjects=subjects))
