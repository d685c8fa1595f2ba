"""Federated subscriptions over graphql-transport-ws, end to end on real sockets.

Client → router (uvicorn) → reviews subgraph over WebSocket for the events,
accounts subgraph over HTTP for each event's ``author``. Supergraph composed
by Apollo (tests/router/http/supergraphs/review_feed.graphql).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.router.http.sockets import feed_router, feed_subgraphs, socket, wait_until
from tests.router.review_feed import FORBIDDEN_TOKEN, Probe


@pytest.fixture(scope="module")
async def router_url() -> AsyncIterator[str]:
    async with feed_subgraphs() as urls, feed_router(urls) as url:
        yield url


def subscribe(id: str, query: str, **extra: Any) -> dict[str, Any]:
    return {"id": id, "type": "subscribe", "payload": {"query": query, **extra}}


REVIEWS = "subscription($ids: [ID!]!) { reviewAdded(ids: $ids) { id body author { name } } }"


async def test_events_arrive_in_order_with_fields_from_both_subgraphs(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init()
        await ws.send(subscribe("1", REVIEWS, variables={"ids": ["r3", "r1", "r4"]}))
        events = [await ws.receive() for _ in range(3)]
        assert [e["payload"] for e in events] == [
            {
                "data": {
                    "reviewAdded": {
                        "id": "r3",
                        "body": "Could be softer.",
                        "author": {"name": "Grace"},
                    }
                }
            },
            {"data": {"reviewAdded": {"id": "r1", "body": "Love it!", "author": {"name": "Ada"}}}},
            {"data": {"reviewAdded": {"id": "r4", "body": "Wobbly.", "author": {"name": "Ada"}}}},
        ]
        assert {e["type"] for e in events} == {"next"} and {e["id"] for e in events} == {"1"}
        assert await ws.receive() == {"id": "1", "type": "complete"}


async def test_a_failing_entity_fetch_spoils_only_its_own_event(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init()
        await ws.send(subscribe("1", REVIEWS, variables={"ids": ["r1", "r2", "r3"]}))
        first, second, third = [(await ws.receive())["payload"] for _ in range(3)]
        assert first == {
            "data": {"reviewAdded": {"id": "r1", "body": "Love it!", "author": {"name": "Ada"}}}
        }
        # name is non-null: its error nulls the nearest nullable parent, author.
        assert second == {
            "data": {"reviewAdded": {"id": "r2", "body": "Meh.", "author": None}},
            "errors": [
                {
                    "message": "the name of user 2 is hidden",
                    "path": ["reviewAdded", "author", "name"],
                    "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "accounts"},
                }
            ],
        }
        assert third == {
            "data": {
                "reviewAdded": {"id": "r3", "body": "Could be softer.", "author": {"name": "Grace"}}
            }
        }
        assert (await ws.receive())["type"] == "complete"


async def test_the_subgraph_completing_completes_the_client(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init()
        await ws.send(subscribe("c", "subscription { counter(to: 3) }"))
        assert [(await ws.receive())["payload"]["data"]["counter"] for _ in range(3)] == [1, 2, 3]
        assert await ws.receive() == {"id": "c", "type": "complete"}


async def test_the_client_completing_ends_the_subscription_at_the_subgraph(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init()
        await ws.send(subscribe("t", 'subscription { ticks(tag: "client-completes", every: 30) }'))
        assert (await ws.receive())["payload"] == {"data": {"ticks": 1}}
        assert "client-completes" not in Probe.closed
        await ws.send({"id": "t", "type": "complete"})
        await wait_until(lambda: "client-completes" in Probe.closed)
        await ws.send({"type": "ping"})
        assert await ws.receive() == {"type": "pong"}  # no complete for an id the client ended
        await ws.nothing_for(0.2)


async def test_the_connection_init_payload_is_the_clients_headers(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init({"Authorization": "Bearer t1", "x-secret": "not forwarded", "retries": 3})
        await ws.send(subscribe("w", "subscription { whoami }"))
        seen = json.loads((await ws.receive())["payload"]["data"]["whoami"])
    assert seen["payload"]["authorization"] == "Bearer t1"
    assert seen["upgrade"] == "Bearer t1"
    assert "x-secret" not in seen["payload"] and "retries" not in seen["payload"]
    assert seen["payload"]["x-forwarded-for"] == "127.0.0.1"


async def test_the_upgrade_requests_headers_count_unless_the_payload_says_otherwise(
    router_url: str,
) -> None:
    async with socket(router_url, headers={"authorization": "Bearer from-upgrade"}) as ws:
        await ws.init()
        await ws.send(subscribe("w", "subscription { whoami }"))
        seen = json.loads((await ws.receive())["payload"]["data"]["whoami"])
        assert seen["payload"]["authorization"] == "Bearer from-upgrade"
    async with socket(router_url, headers={"authorization": "Bearer from-upgrade"}) as ws:
        await ws.init({"authorization": "Bearer from-payload"})
        await ws.send(subscribe("w", "subscription { whoami }"))
        seen = json.loads((await ws.receive())["payload"]["data"]["whoami"])
        assert seen["payload"]["authorization"] == "Bearer from-payload"


async def test_a_subgraph_refusing_the_connection_is_the_operations_error(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init({"authorization": FORBIDDEN_TOKEN})
        await ws.send(subscribe("f", "subscription { counter(to: 1) }"))
        message = await ws.receive()
        assert message["type"] == "error" and message["id"] == "f"
        (error,) = message["payload"]
        assert error["extensions"] == {"code": "FORBIDDEN", "serviceName": "reviews"}
        # The connection goes on.
        await ws.send({"type": "ping"})
        assert await ws.receive() == {"type": "pong"}


async def test_queries_and_mutations_also_run_over_the_socket(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init()
        await ws.send(subscribe("q", "query Top { topReview { body author { name } } }"))
        assert await ws.receive() == {
            "id": "q",
            "type": "next",
            "payload": {"data": {"topReview": {"body": "Love it!", "author": {"name": "Ada"}}}},
        }
        assert await ws.receive() == {"id": "q", "type": "complete"}


async def test_request_errors_are_the_operations_error_message(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init()
        await ws.send(subscribe("v", "subscription { nope }"))
        invalid = await ws.receive()
        assert invalid["type"] == "error" and invalid["id"] == "v"
        assert invalid["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        await ws.send(subscribe("x", REVIEWS, variables={"ids": None}))
        wrong_variable = await ws.receive()
        assert (
            wrong_variable["type"] == "error" and "$ids" in wrong_variable["payload"][0]["message"]
        )
        # An id is free again once its operation has ended.
        await ws.send(subscribe("v", "subscription { counter(to: 1) }"))
        assert (await ws.receive())["payload"] == {"data": {"counter": 1}}


async def test_several_subscriptions_share_one_connection(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.init()
        await ws.send(subscribe("a", 'subscription { ticks(tag: "shared-a") }'))
        await ws.send(subscribe("b", "subscription { counter(to: 2) }"))
        seen: dict[str, list[Any]] = {"a": [], "b": []}
        while len(seen["b"]) < 3:
            message = await ws.receive()
            seen[message["id"]].append(message.get("payload", message["type"]))
        assert seen["b"] == [{"data": {"counter": 1}}, {"data": {"counter": 2}}, "complete"]
        assert seen["a"] and all(p["data"]["ticks"] for p in seen["a"])
    await wait_until(lambda: "shared-a" in Probe.closed)  # the client left: upstream ends too


async def test_one_clients_subscriptions_share_a_subgraph_socket_and_two_clients_do_not(
    router_url: str,
) -> None:
    before = len(Probe.connections)
    ticks = 'subscription { ticks(tag: "%s", every: 0.05) }'
    async with socket(router_url) as ada, socket(router_url) as grace:
        await ada.init({"authorization": "Bearer ada"})
        await grace.init({"authorization": "Bearer grace"})
        for n in range(3):
            await ada.send(subscribe(str(n), ticks % f"e2e-share-ada-{n}"))
        await grace.send(subscribe("0", ticks % "e2e-share-grace"))
        seen: set[str] = set()
        while len(seen) < 3:
            message = await ada.receive()
            assert message["type"] == "next"
            seen.add(message["id"])
        assert (await grace.receive())["payload"] == {"data": {"ticks": 1}}
        accepted = sorted(c["authorization"] for c in Probe.connections[before:])
        assert accepted == ["Bearer ada", "Bearer grace"]
        await ada.send({"id": "1", "type": "complete"})
        await wait_until(lambda: "e2e-share-ada-1" in Probe.closed)
        assert "e2e-share-ada-0" not in Probe.closed and "e2e-share-ada-2" not in Probe.closed
    await wait_until(lambda: {"e2e-share-ada-0", "e2e-share-ada-2"} <= Probe.closed)
