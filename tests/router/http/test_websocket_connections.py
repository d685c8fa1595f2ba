"""The WebSocket connection itself: subprotocols, close codes, limits, and what ends it.

A bad message gets the code graphql-transport-ws gives it, on a real router
over real sockets; the legacy graphql-ws protocol works end to end, to the
client and to a subgraph configured for it; a lost subgraph or a stopping
router ends subscriptions instead of leaving them hanging.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from tests.router.http.sockets import feed_router, feed_subgraphs, socket, wait_until
from tests.router.live_server import serving
from tests.router.review_feed import Probe, review_feed_apps


@pytest.fixture(scope="module")
async def router_url() -> AsyncIterator[str]:
    config = {
        "subscriptions": {"init_timeout": 0.3, "keepalive": 0.2},
        "limits": {"max_subscriptions_per_connection": 2},
    }
    async with feed_subgraphs() as urls, feed_router(urls, **config) as url:
        yield url


COUNTER = {"query": "subscription { counter(to: 1) }"}


@pytest.mark.parametrize("offered", [["graphql-sse"], None], ids=["unknown", "none"])
async def test_a_socket_without_a_known_subprotocol_is_closed_4406(
    router_url: str, offered: list[str] | None
) -> None:
    async with socket(router_url, protocol=offered[0] if offered else None) as ws:
        assert ws.ws.subprotocol is None
        assert await ws.closed() == (4406, "Subprotocol not acceptable")


async def test_graphql_transport_ws_is_preferred_when_both_are_offered(router_url: str) -> None:
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    url = router_url.replace("http://", "ws://") + "/graphql"
    offered = [Subprotocol("graphql-ws"), Subprotocol("graphql-transport-ws")]
    async with connect(url, subprotocols=offered, open_timeout=5) as ws:
        assert ws.subprotocol == "graphql-transport-ws"


@pytest.mark.parametrize(
    ("messages", "code", "reason"),
    [
        (["{not json"], 4400, "Invalid message: not JSON"),
        (['{"type": "hello"}'], 4400, "Invalid message: unknown type 'hello'"),
        ([{"type": "subscribe", "id": "1", "payload": COUNTER}], 4401, "Unauthorized"),
        (
            [{"type": "connection_init"}, {"type": "connection_init"}],
            4429,
            "Too many initialisation requests",
        ),
        (
            [{"type": "connection_init"}, {"type": "subscribe", "payload": COUNTER}],
            4400,
            "Invalid message: 'subscribe' needs a non-empty string 'id'",
        ),
        (
            [{"type": "connection_init"}, {"type": "subscribe", "id": "1", "payload": {}}],
            4400,
            "Invalid message: operation '1': The request has no 'query'",
        ),
        (
            [
                {"type": "connection_init"},
                {
                    "type": "subscribe",
                    "id": "1",
                    "payload": {"query": 'subscription { ticks(tag: "dup") }'},
                },
                {"type": "subscribe", "id": "1", "payload": COUNTER},
            ],
            4409,
            "Subscriber for 1 already exists",
        ),
    ],
    ids=[
        "not-json",
        "unknown-type",
        "subscribe-before-init",
        "second-init",
        "no-id",
        "no-query",
        "id-in-use",
    ],
)
async def test_a_bad_message_closes_with_the_protocols_code(
    router_url: str, messages: list[object], code: int, reason: str
) -> None:
    async with socket(router_url) as ws:
        for message in messages:
            await ws.send(message)  # type: ignore[arg-type]
        closed_code, closed_reason = await ws.closed()
    assert closed_code == code
    assert closed_reason.startswith(reason)


async def test_a_socket_that_never_initialises_is_closed_4408(router_url: str) -> None:
    async with socket(router_url) as ws:
        await ws.send({"type": "ping"})
        assert await ws.receive() == {"type": "pong"}  # pings are fine before init
        assert await ws.closed() == (4408, "Connection initialisation timeout")


async def test_operations_past_the_connections_limit_are_refused_one_by_one(
    router_url: str,
) -> None:
    async with socket(router_url) as ws:
        await ws.init()
        for id in ("a", "b", "c"):
            query = f'subscription {{ ticks(tag: "limit-{id}") }}'
            await ws.send({"type": "subscribe", "id": id, "payload": {"query": query}})
        refused = None
        while refused is None:
            message = await ws.receive()
            if message["type"] == "error":
                refused = message
        assert refused["id"] == "c"
        assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_OPERATIONS"
        assert "limit-c" not in Probe.opened
        # Ending one makes room.
        await ws.send({"type": "complete", "id": "a"})
        await ws.send({"type": "subscribe", "id": "d", "payload": COUNTER})
        while (message := await ws.receive()).get("id") != "d":
            pass
        assert message["payload"] == {"data": {"counter": 1}}


async def test_the_legacy_graphql_ws_protocol_end_to_end(router_url: str) -> None:
    async with socket(router_url, protocol="graphql-ws") as ws:
        await ws.init({"authorization": "Bearer legacy"})
        assert await ws.receive() == {"type": "ka"}
        query = 'subscription { reviewAdded(ids: ["r4", "r3"]) { id author { name } } }'
        await ws.send({"type": "start", "id": "1", "payload": {"query": query}})
        received = []
        while len(received) < 3:
            message = await ws.receive()
            if message["type"] != "ka":
                received.append(message)
        assert received == [
            {
                "id": "1",
                "type": "data",
                "payload": {"data": {"reviewAdded": {"id": "r4", "author": {"name": "Ada"}}}},
            },
            {
                "id": "1",
                "type": "data",
                "payload": {"data": {"reviewAdded": {"id": "r3", "author": {"name": "Grace"}}}},
            },
            {"id": "1", "type": "complete"},
        ]


async def test_the_legacy_protocol_answers_a_bad_message_and_stays_open(router_url: str) -> None:
    async with socket(router_url, protocol="graphql-ws") as ws:
        await ws.init()
        await ws.send({"type": "start", "id": "9", "payload": {"query": 7}})
        message = await ws.receive()
        while message["type"] == "ka":
            message = await ws.receive()
        assert message == {
            "type": "error",
            "id": "9",
            "payload": {
                "message": "Invalid message: operation '9': 'query' must be a string holding a GraphQL document"
            },
        }
        await ws.send(
            {
                "type": "start",
                "id": "t",
                "payload": {"query": 'subscription { ticks(tag: "legacy-stop", every: 30) }'},
            }
        )
        while (await ws.receive()).get("type") != "data":
            pass
        await ws.send({"type": "stop", "id": "t"})
        await wait_until(lambda: "legacy-stop" in Probe.closed)
        await ws.send({"type": "connection_terminate"})
        assert (await ws.closed())[0] == 1000


async def test_a_subgraph_spoken_to_in_the_legacy_protocol() -> None:
    async with (
        feed_subgraphs() as urls,
        feed_router(urls, subgraphs={"reviews": {"subscription_protocol": "graphql-ws"}}) as url,
        socket(url) as ws,
    ):
        await ws.init()
        query = 'subscription { reviewAdded(ids: ["r2"]) { body author { name } } }'
        await ws.send({"type": "subscribe", "id": "1", "payload": {"query": query}})
        event = await ws.receive()
        assert event["payload"]["data"] == {"reviewAdded": {"body": "Meh.", "author": None}}
        assert event["payload"]["errors"][0]["path"] == ["reviewAdded", "author", "name"]
        assert await ws.receive() == {"id": "1", "type": "complete"}
        await ws.send(
            {
                "type": "subscribe",
                "id": "2",
                "payload": {"query": 'subscription { ticks(tag: "legacy-upstream", every: 30) }'},
            }
        )
        assert (await ws.receive())["payload"] == {"data": {"ticks": 1}}
        await ws.send({"type": "complete", "id": "2"})
        await wait_until(lambda: "legacy-upstream" in Probe.closed)


async def test_losing_the_subgraph_ends_the_subscription_with_an_error() -> None:
    apps = review_feed_apps()
    async with (
        serving(apps["accounts"], path="/graphql") as accounts,
        contextlib.AsyncExitStack() as reviews_server,
    ):
        reviews = await reviews_server.enter_async_context(
            serving(apps["reviews"], path="/graphql")
        )
        async with (
            feed_router({"accounts": accounts, "reviews": reviews}) as url,
            socket(url) as ws,
        ):
            await ws.init()
            query = 'subscription { ticks(tag: "subgraph-stops") }'
            await ws.send({"type": "subscribe", "id": "1", "payload": {"query": query}})
            assert (await ws.receive())["type"] == "next"
            await reviews_server.aclose()
            message = await ws.receive()
            while message["type"] == "next":
                message = await ws.receive()
            assert message["type"] == "error" and message["id"] == "1"
            (error,) = message["payload"]
            assert error["extensions"] == {"code": "SUBSCRIPTION_FAILED", "serviceName": "reviews"}
            assert error["message"] == "Subscription at 'reviews' failed: try again shortly."


async def test_a_subgraph_that_cannot_be_reached_is_the_operations_error() -> None:
    async with feed_subgraphs() as urls:
        unreachable = {"reviews": {"subscription_url": "ws://127.0.0.1:9/graphql"}}
        async with feed_router(urls, subgraphs=unreachable) as url, socket(url) as ws:
            await ws.init()
            await ws.send({"type": "subscribe", "id": "1", "payload": COUNTER})
            message = await ws.receive()
            assert message["type"] == "error"
            assert message["payload"][0]["extensions"]["code"] == "SUBSCRIPTION_FAILED"
            assert "127.0.0.1" not in message["payload"][0]["message"]


async def test_stopping_the_router_closes_sockets_and_subgraph_subscriptions() -> None:
    async with feed_subgraphs() as urls, contextlib.AsyncExitStack() as router:
        url = await router.enter_async_context(feed_router(urls))
        async with socket(url) as ws:
            await ws.init()
            query = 'subscription { ticks(tag: "router-stops", every: 30) }'
            await ws.send({"type": "subscribe", "id": "1", "payload": {"query": query}})
            assert (await ws.receive())["type"] == "next"
            await router.aclose()  # the router stops with the socket open
            assert (await ws.closed())[0] == 1012  # "service restart", as uvicorn stops
    await wait_until(lambda: "router-stops" in Probe.closed)
