"""The notifications domain through the router: actors' nicknames joined from accounts."""

from __future__ import annotations

import asyncio
import time

from tests.support.graph import Graph, domain_urls, graph

__all__ = ["domain_urls", "graph"]

FOLLOW = "mutation($u: ID!) { follow(userId: $u) { id } }"
LIST = "{ notifications { edges { node { kind latestActor { nickname } } } } }"


async def test_a_follow_lists_the_follower_by_nickname(graph: Graph) -> None:
    _, ada = await graph.register("Ada")
    bob_id, bob = await graph.register("Bob")
    await graph.data(FOLLOW, ada, u=bob_id)
    deadline = time.monotonic() + 10  # the relay and the consumer run in the background
    while not (listed := await graph.data(LIST, bob))["notifications"]["edges"]:
        assert time.monotonic() < deadline, "no notification arrived"
        await asyncio.sleep(0.05)
    assert listed["notifications"]["edges"] == [
        {"node": {"kind": "FOLLOWED", "latestActor": {"nickname": "Ada"}}}
    ]
    refused = await graph.execute(LIST)
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
