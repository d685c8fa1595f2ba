"""The WebSocket subscription transport against a real Strawberry subgraph, in both subprotocols.

The reviews subgraph records the ``connection_init`` payload of every
WebSocket it accepts, so the tests of shared connections see from its side
which subscriptions shared one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket

from router.transport import SubgraphRequest, TransportError, UnknownSubgraphError
from router.transport.errors import SubgraphSubscriptionError
from router.transport.websocket import SubscriptionEndpoint, WebSocketSubscriptions, websocket_url
from tests.router.http.sockets import wait_until
from tests.router.live_server import serving
from tests.router.review_feed import FORBIDDEN_TOKEN, Probe, review_feed_apps

PROTOCOLS = ["graphql-transport-ws", "graphql-ws"]


@pytest.fixture(scope="module")
async def reviews_url() -> AsyncIterator[str]:
    async with serving(review_feed_apps()["reviews"], path="/graphql") as url:
        yield websocket_url(url)


@contextlib.asynccontextmanager
async def transport(
    url: str, protocol: str, **options: Any
) -> AsyncIterator[WebSocketSubscriptions]:
    subscriptions = WebSocketSubscriptions(
        {"reviews": SubscriptionEndpoint(url, protocol)}, default_timeout=5, **options
    )
    try:
        yield subscriptions
    finally:
        await subscriptions.aclose()


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_events_until_the_subgraph_completes(reviews_url: str, protocol: str) -> None:
    async with transport(reviews_url, protocol) as subscriptions:
        request = SubgraphRequest("subscription($to:Int!){counter(to:$to)}", variables={"to": 3})
        events = [e.data async for e in subscriptions.subscribe("reviews", request)]
    assert events == [{"counter": 1}, {"counter": 2}, {"counter": 3}]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_headers_go_in_connection_init_and_on_the_upgrade(
    reviews_url: str, protocol: str
) -> None:
    headers = (("Authorization", "Bearer t"), ("x-request-id", "r-1"))
    async with transport(reviews_url, protocol) as subscriptions:
        request = SubgraphRequest("subscription{whoami}", headers=headers)
        (event,) = [e.data async for e in subscriptions.subscribe("reviews", request)]
    assert event is not None
    assert json.loads(event["whoami"]) == {
        "payload": {"authorization": "Bearer t", "x-request-id": "r-1"},
        "upgrade": "Bearer t",
    }


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_closing_early_ends_the_subscription_at_the_subgraph(
    reviews_url: str, protocol: str
) -> None:
    tag = f"transport-{protocol}"
    async with transport(reviews_url, protocol) as subscriptions:
        events = subscriptions.subscribe(
            "reviews", SubgraphRequest(f'subscription{{ticks(tag:"{tag}")}}')
        )
        first = await anext(events)
        assert first.data == {"ticks": 1}
        await events.aclose()
        await wait_until(lambda: tag in Probe.closed)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_an_error_message_from_the_subgraph_is_raised_with_its_errors(
    reviews_url: str, protocol: str
) -> None:
    async with transport(reviews_url, protocol) as subscriptions:
        with pytest.raises(SubgraphSubscriptionError) as caught:
            async for _ in subscriptions.subscribe(
                "reviews", SubgraphRequest("subscription{nope}")
            ):
                pass
    assert "nope" in caught.value.errors[0]["message"]


async def test_a_refused_connection_is_forbidden(reviews_url: str) -> None:
    async with transport(reviews_url, "graphql-transport-ws") as subscriptions:
        request = SubgraphRequest(
            "subscription{whoami}", headers=(("authorization", FORBIDDEN_TOKEN),)
        )
        with pytest.raises(SubgraphSubscriptionError) as caught:
            async for _ in subscriptions.subscribe("reviews", request):
                pass
    assert caught.value.errors[0]["extensions"] == {"code": "FORBIDDEN"}


async def _accept_without_subprotocol(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.receive()


async def test_failures_to_subscribe_are_transport_errors() -> None:
    request = SubgraphRequest("subscription{whoami}")
    async with transport("ws://127.0.0.1:9/graphql", "graphql-transport-ws") as subscriptions:
        with pytest.raises(UnknownSubgraphError):
            await anext(subscriptions.subscribe("elsewhere", request))
        with pytest.raises(TransportError, match=r"cannot open a WebSocket to ws://127\.0\.0\.1:9"):
            await anext(subscriptions.subscribe("reviews", request))
    mute = Starlette(routes=[WebSocketRoute("/graphql", _accept_without_subprotocol)])
    async with (
        serving(mute, path="/graphql") as url,
        transport(websocket_url(url), "graphql-ws") as subscriptions,
    ):
        with pytest.raises(TransportError, match="does not speak the graphql-ws subprotocol"):
            await anext(subscriptions.subscribe("reviews", request))


def test_websocket_urls_follow_the_http_scheme() -> None:
    assert websocket_url("http://a:1/graphql?x=1") == "ws://a:1/graphql?x=1"
    assert websocket_url("https://a/graphql") == "wss://a/graphql"
    assert websocket_url("ws://already/graphql") == "ws://already/graphql"


# Shared connections ---------------------------------------------------------


def counter(to: int, *headers: tuple[str, str]) -> SubgraphRequest:
    return SubgraphRequest(
        "subscription($to:Int!){counter(to:$to)}", variables={"to": to}, headers=headers
    )


async def collect(subscriptions: WebSocketSubscriptions, request: SubgraphRequest) -> list[Any]:
    return [e.data async for e in subscriptions.subscribe("reviews", request)]


def accepted_since(before: int) -> list[dict[str, Any]]:
    return Probe.connections[before:]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_fifty_subscriptions_of_one_client_share_one_socket_and_each_gets_its_own_events(
    reviews_url: str, protocol: str
) -> None:
    before = len(Probe.connections)
    user = ("authorization", "Bearer ada")
    async with transport(reviews_url, protocol) as subscriptions:
        requests = [counter(n % 7 + 1, user, ("x-request-id", f"r-{n}")) for n in range(50)]
        answers = await asyncio.gather(*(collect(subscriptions, r) for r in requests))
        assert subscriptions.open_sockets == 0  # closed with its last subscription
    for n, events in enumerate(answers):
        assert events == [{"counter": i} for i in range(1, n % 7 + 2)]
    (payload,) = accepted_since(before)
    assert payload["authorization"] == "Bearer ada"


async def test_different_credentials_never_share_a_socket(reviews_url: str) -> None:
    whoami = "subscription{whoami}"
    async with transport(reviews_url, "graphql-transport-ws") as subscriptions:
        ada, grace = await asyncio.gather(
            collect(subscriptions, SubgraphRequest(whoami, headers=(("authorization", "A"),))),
            collect(subscriptions, SubgraphRequest(whoami, headers=(("authorization", "G"),))),
        )
    assert json.loads(ada[0]["whoami"])["payload"] == {"authorization": "A"}
    assert json.loads(grace[0]["whoami"])["payload"] == {"authorization": "G"}


async def test_ending_one_subscription_leaves_the_others_on_the_socket_running(
    reviews_url: str,
) -> None:
    before = len(Probe.connections)
    async with transport(reviews_url, "graphql-transport-ws") as subscriptions:
        stopped = subscriptions.subscribe(
            "reviews", SubgraphRequest('subscription{ticks(tag:"share-stopped")}')
        )
        running = subscriptions.subscribe(
            "reviews", SubgraphRequest('subscription{ticks(tag:"share-running")}')
        )
        assert (await anext(stopped)).data == {"ticks": 1}
        assert (await anext(running)).data == {"ticks": 1}
        await stopped.aclose()
        await wait_until(lambda: "share-stopped" in Probe.closed)
        assert "share-running" not in Probe.closed
        assert [(await anext(running)).data for _ in range(3)] == [
            {"ticks": 2},
            {"ticks": 3},
            {"ticks": 4},
        ]
        assert subscriptions.open_sockets == 1
        await running.aclose()
        await wait_until(lambda: "share-running" in Probe.closed)
        assert subscriptions.open_sockets == 0
    assert len(accepted_since(before)) == 1


async def test_a_stuck_consumer_is_stopped_and_holds_the_others_up_only_briefly(
    reviews_url: str,
) -> None:
    options = {"max_buffered": 3, "stall": 0.2}
    async with transport(reviews_url, "graphql-transport-ws", **options) as subscriptions:
        slow = subscriptions.subscribe(
            "reviews", SubgraphRequest('subscription{ticks(tag:"share-slow", every:0.001)}')
        )
        assert (await anext(slow)).data == {"ticks": 1}
        # The slow one reads nothing more while a fast one on the same socket runs to the end:
        # its burst of 200 passes through a buffer of 3 at the consumer's pace.
        assert await collect(subscriptions, counter(200)) == [{"counter": i} for i in range(1, 201)]
        await wait_until(lambda: "share-slow" in Probe.closed)
        buffered = [(await anext(slow)).data for _ in range(3)]
        assert buffered == [{"ticks": 2}, {"ticks": 3}, {"ticks": 4}]
        with pytest.raises(TransportError, match="fell 3 events behind"):
            await anext(slow)


async def test_sockets_are_capped_and_multiplexing_can_be_switched_off(reviews_url: str) -> None:
    for options, sockets in (({"operations_per_socket": 2}, 3), ({"multiplex": False}, 5)):
        before = len(Probe.connections)
        async with transport(reviews_url, "graphql-transport-ws", **options) as subscriptions:
            streams = [
                subscriptions.subscribe(
                    "reviews", SubgraphRequest(f'subscription{{ticks(tag:"cap-{n}-{sockets}")}}')
                )
                for n in range(5)
            ]
            for stream in streams:
                assert (await anext(stream)).data == {"ticks": 1}
            assert subscriptions.open_sockets == sockets
            for stream in streams:
                await stream.aclose()
            assert subscriptions.open_sockets == 0
        assert len(accepted_since(before)) == sockets


async def test_a_lost_socket_ends_every_subscription_on_it(reviews_url: str) -> None:
    async with transport(reviews_url, "graphql-transport-ws") as subscriptions:
        streams = [
            subscriptions.subscribe(
                "reviews", SubgraphRequest(f'subscription{{ticks(tag:"lost-{n}", every:5)}}')
            )
            for n in range(3)
        ]
        for stream in streams:
            assert (await anext(stream)).data == {"ticks": 1}
        await subscriptions.aclose()  # the connection goes away under the subscriptions
        for stream in streams:
            with pytest.raises(TransportError, match="subscription connection"):
                await anext(stream)
