"""Live fan-out: a change published by one process reaches subscribers on another, and a
subscriber that falls behind is ended instead of queueing without bound."""

from __future__ import annotations

import asyncio

import pytest

from shared.errors import Unavailable
from shared.ids import UserId
from shared.redis import Keys, create_redis
from subgraphs.notifications.live import Listener, LiveHub
from tests.conftest import REDIS_URL


@pytest.mark.parametrize("url", [REDIS_URL, None], ids=["redis", "embedded"])
async def test_a_change_published_anywhere_reaches_each_replicas_own_subscribers(
    redis_prefix: str, url: str | None
) -> None:
    redis = create_redis(url)
    keys = Keys(redis_prefix, "notifications")
    publisher, replica_a, replica_b = (LiveHub(redis, keys) for _ in range(3))
    ada, bob = UserId(1), UserId(2)
    try:
        async with replica_a.listen(ada) as on_a, replica_b.listen(bob) as on_b:
            assert (replica_a.listening(ada), replica_a.listening(bob)) == (1, 0)
            await publisher.publish([ada, bob], 42)
            async with asyncio.timeout(5):
                await on_a.wait()
                await on_b.wait()
            assert on_a.take() == on_b.take() == ([42], True)
            await publisher.publish([bob], None)
            async with asyncio.timeout(5):
                await on_b.wait()
            assert on_b.take() == ([], True)
            assert on_a.take() == ([], False)
        assert replica_a.listening(ada) == 0
    finally:
        for hub in (publisher, replica_a, replica_b):
            await hub.aclose()
        await redis.aclose()


async def test_a_subscriber_past_its_capacity_is_ended_with_a_reason() -> None:
    listener = Listener(capacity=2)
    for notification in (1, 2, 3):
        listener.offer(notification)
    with pytest.raises(Unavailable, match="fell behind"):
        await listener.wait()
    assert len(listener.notifications) == 2


async def test_count_changes_never_queue() -> None:
    listener = Listener(capacity=1)
    for _ in range(1000):
        listener.offer(None)
    await listener.wait()
    assert listener.take() == ([], True) and not listener.overflowed
