"""Social's worker publishes what follow and unfollow record to ``<prefix>events:social``."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from shared.events import Event, event_stream
from subgraphs.social.runtime import workers
from tests.subgraphs.social.conftest import Social


async def test_the_relay_publishes_follows_and_unfollows_in_order(
    social: Social, redis: Redis
) -> None:
    [relay] = workers(social.runtime)
    stream = event_stream(social.settings.redis_prefix, "social")
    ada, bob = await social.users(2)
    await relay.start()
    try:
        await social.follow(ada, bob)
        await social.unfollow(ada, bob)
        for _ in range(100):
            events = [Event.from_fields(fields) for _, fields in await redis.xrange(stream)]
            mine = [e for e in events if e.aggregate_id == ada]
            if len(mine) == 2:
                break
            await asyncio.sleep(0.05)
    finally:
        await relay.stop()
    assert [(e.type, e.aggregate_type, e.payload["followeeId"]) for e in mine] == [
        ("UserFollowed", "user", int(bob)),
        ("UserUnfollowed", "user", int(bob)),
    ]
