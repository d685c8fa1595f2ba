"""The subgraph's subscriptions on a real socket: a subscription ends when the access token it
started with expires, with a reason the client can act on."""

from __future__ import annotations

from shared.domain import create_app
from shared.tokens import AccessTokens
from subgraphs.notifications.domain import SPEC
from tests.router.http.sockets import socket
from tests.router.live_server import serving
from tests.subgraphs.notifications.conftest import Ids, Notifications

COUNTS = "subscription { unreadCountsChanged { total } }"


async def test_a_subscription_ends_when_its_token_expires(
    notifications: Notifications, ids: Ids
) -> None:
    runtime = notifications.runtime
    # Expiry is in whole seconds from the second the token is issued in: 3 leaves it at least
    # 2 s, time enough to subscribe on a loaded machine.
    short = AccessTokens.from_settings(runtime.settings, ttl=3).issue(ids.s(1))
    bearer = {"authorization": f"Bearer {short}"}
    # The subgraph reads the token from the upgrade request, where the router puts it.
    async with serving(create_app(SPEC, runtime)) as url, socket(url, headers=bearer) as ws:
        await ws.init()
        await ws.send({"id": "1", "type": "subscribe", "payload": {"query": COUNTS}})
        first = await ws.receive()
        assert first["payload"] == {"data": {"unreadCountsChanged": {"total": 0}}}
        ended = await ws.receive()
        assert ended["type"] == "next"
        [error] = ended["payload"]["errors"]
        assert error["extensions"] == {"code": "UNAUTHENTICATED", "reason": "EXPIRED"}
        assert await ws.receive() == {"id": "1", "type": "complete"}
