"""The message center through the router on real sockets: live counts over WebSocket and
Server-Sent Events, answers, grouped likes, redelivery and self-actions.

Likes come from the engagement domain's contract (``LikeAdded`` in
``<prefix>events:engagement``), written into its stream here; follows,
articles, questions and answers come from the real domains.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx

from shared.db import utcnow
from shared.ids import UserId
from subgraphs.notifications.runtime import NotificationsRuntime
from tests.router.http.sockets import socket, wait_until
from tests.support.events import emit
from tests.support.graph import domain_urls
from tests.support.live_graph import LiveGraph, live_graph

__all__ = ["domain_urls", "live_graph"]

FOLLOW = "mutation($u: ID!) { follow(userId: $u) { id } }"
MARK_ALL = "mutation { markNotificationsRead(all: true) { marked } }"
COUNTS = "subscription { unreadCountsChanged { total follow answer } }"
NEWS = "subscription { notificationReceived { kind read latestActor { nickname } } }"
ANSWERS = """subscription { notificationReceived { kind latestActor { nickname }
  subject { ... on Answer { body question { title } } } } }"""
ASK = "mutation($t: String!) { askQuestion(input: {title: $t}) { id } }"
ANSWER = "mutation($q: ID!, $b: String!) { answerQuestion(questionId: $q, body: $b) { id } }"
PUBLISH = "mutation($t: String!) { publishArticle(input: {title: $t, content: $t}) { id } }"
LIST = """{ notifications { totalCount edges { node { kind actorCount read
  latestActor { nickname } actors(first: 2) { nickname }
  subject { __typename ... on Article { title } } } } } }"""


def hub(graph: LiveGraph) -> NotificationsRuntime:
    runtime = graph.domains.runtimes["notifications"]
    assert isinstance(runtime, NotificationsRuntime)
    return runtime


def subscribe(id: str, query: str) -> dict[str, Any]:
    return {"id": id, "type": "subscribe", "payload": {"query": query}}


async def test_a_follow_raises_the_followees_count_live_and_reading_lowers_it(
    live_graph: LiveGraph,
) -> None:
    _, ada = await live_graph.register("Ada")
    bob_id, bob = await live_graph.register("Bob")
    live = hub(live_graph).live
    async with socket(live_graph.url) as ws:
        await ws.init({"authorization": f"Bearer {bob}"})
        await ws.send(subscribe("counts", COUNTS))
        assert await ws.receive() == {
            "id": "counts",
            "type": "next",
            "payload": {"data": {"unreadCountsChanged": {"total": 0, "follow": 0, "answer": 0}}},
        }
        await ws.send(subscribe("news", NEWS))
        await wait_until(lambda: live.listening(UserId(int(bob_id))) == 2)

        await live_graph.data(FOLLOW, ada, u=bob_id)
        arrived = {m["id"]: m["payload"]["data"] for m in [await ws.receive(), await ws.receive()]}
        assert arrived == {
            "counts": {"unreadCountsChanged": {"total": 1, "follow": 1, "answer": 0}},
            "news": {
                "notificationReceived": {
                    "kind": "FOLLOWED",
                    "read": False,
                    "latestActor": {"nickname": "Ada"},
                }
            },
        }

        assert (await live_graph.data(MARK_ALL, bob))["markNotificationsRead"] == {"marked": 1}
        assert (await ws.receive())["payload"]["data"] == {
            "unreadCountsChanged": {"total": 0, "follow": 0, "answer": 0}
        }


async def sse_results(response: httpx.Response) -> AsyncIterator[Any]:
    """The ``data`` of each ``next`` event of a GraphQL-over-SSE response."""
    event = None
    async for line in response.aiter_lines():
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data:") and event == "next":
            yield json.loads(line.removeprefix("data:"))["data"]


async def test_an_answer_reaches_the_asker_live_over_sse_but_answering_oneself_does_not(
    live_graph: LiveGraph,
) -> None:
    ada_id, ada = await live_graph.register("Ada")
    _, bob = await live_graph.register("Bob")
    question = (await live_graph.data(ASK, ada, t="Where do notifications come from?"))[
        "askQuestion"
    ]["id"]
    live = hub(live_graph).live
    headers = {"accept": "text/event-stream", "authorization": f"Bearer {ada}"}
    async with live_graph.client.stream(
        "POST", "/graphql", json={"query": ANSWERS}, headers=headers
    ) as response:
        assert response.status_code == 200
        results = sse_results(response)
        await wait_until(lambda: live.listening(UserId(int(ada_id))) == 1)
        await live_graph.data(ANSWER, ada, q=question, b="From my own events.")
        await live_graph.data(ANSWER, bob, q=question, b="From everyone's events.")
        assert await anext(results) == {
            "notificationReceived": {
                "kind": "ANSWERED",
                "latestActor": {"nickname": "Bob"},
                "subject": {
                    "body": "From everyone's events.",
                    "question": {"title": "Where do notifications come from?"},
                },
            }
        }
    listed = (await live_graph.data(LIST, ada))["notifications"]
    assert [edge["node"]["kind"] for edge in listed["edges"]] == ["ANSWERED"]


async def test_likes_of_an_article_are_one_notification_naming_the_latest_liker(
    live_graph: LiveGraph,
) -> None:
    bob_id, bob = await live_graph.register("Bob")
    likers = [await live_graph.register(name) for name in ("Ada", "Cy", "Dee")]
    article = (await live_graph.data(PUBLISH, bob, t="Grouping likes"))["publishArticle"]["id"]
    runtime = hub(live_graph)
    prefix = runtime.settings.redis_prefix

    async def like(user: str, event_id: str | None = None) -> str:
        payload = {
            "userId": int(user),
            "subjectKind": "ARTICLE",
            "subjectId": int(article),
            "subjectOwnerId": int(bob_id),
            "at": utcnow().isoformat(),
        }
        return await emit(
            runtime.redis, prefix, "engagement", "LikeAdded", payload, event_id=event_id
        )

    first = await like(likers[0][0])
    await like(bob_id)  # Bob liking his own article tells him nothing
    await like(likers[0][0], event_id=first)  # delivered twice
    for user, _ in likers[1:]:
        await like(user)

    deadline = time.monotonic() + 10  # the consumer handles the likes in the background
    while True:
        listed = (await live_graph.data(LIST, bob))["notifications"]
        if listed["edges"] and listed["edges"][0]["node"]["actorCount"] == 3:
            break
        assert time.monotonic() < deadline, f"still {listed}"
        await asyncio.sleep(0.05)
    assert listed["totalCount"] == 1
    assert listed["edges"][0]["node"] == {
        "kind": "LIKED",
        "actorCount": 3,
        "read": False,
        "latestActor": {"nickname": "Dee"},
        "actors": [{"nickname": "Dee"}, {"nickname": "Cy"}],
        "subject": {"__typename": "Article", "title": "Grouping likes"},
    }


async def test_a_signed_out_subscriber_is_refused(live_graph: LiveGraph) -> None:
    async with socket(live_graph.url) as ws:
        await ws.init()
        await ws.send(subscribe("counts", COUNTS))
        refused = await ws.receive()
        # The subgraph ended the stream with its error: the operation's `error`, which ends it.
        assert refused["type"] == "error" and refused["id"] == "counts"
        assert refused["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"
