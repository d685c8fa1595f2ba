"""The WebSocket subscription transport against a real Strawberry subgraph, in both subprotocols."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator

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
async def transport(url: str, protocol: str) -> AsyncIterator[WebSocketSubscriptions]:
    subscriptions = WebSocketSubscriptions(
        {"reviews": SubscriptionEndpoint(url, protocol)}, default_timeout=5
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
