"""How the executor reaches subgraphs: one tiny protocol, several peers.

``Transport.fetch(service_name, request) -> SubgraphResponse`` is the whole
interface. :class:`HttpTransport` talks to subgraphs over pooled keep-alive
connections; :class:`AsgiTransport` calls ASGI apps in-process (tests, embedded
runs); :class:`DedupTransport` wraps any transport and sends identical
in-flight requests once; :class:`BreakerTransport` wraps one with a breaker
per subgraph and the router's deadline on each request;
:class:`PropagatingTransport` wraps any transport
and drops the headers a subgraph is not configured to receive
(:class:`PropagatingSubscriptions` likewise for subscriptions). Subscriptions have a plug point of their own,
``SubscriptionTransport.subscribe(service_name, request)``, an async
generator of events; :class:`WebSocketSubscriptions` is its peer over
WebSocket.
"""

from __future__ import annotations

from router.transport.asgi import AsgiTransport
from router.transport.breaker import BreakerTransport
from router.transport.dedup import DedupTransport
from router.transport.errors import (
    SubgraphHttpError,
    SubgraphSubscriptionError,
    TransportError,
    UnknownSubgraphError,
)
from router.transport.http import HttpTransport
from router.transport.propagate import PropagatingSubscriptions, PropagatingTransport
from router.transport.types import (
    SubgraphRequest,
    SubgraphResponse,
    SubscriptionTransport,
    Transport,
)
from router.transport.websocket import SubscriptionEndpoint, WebSocketSubscriptions

__all__ = [
    "AsgiTransport",
    "BreakerTransport",
    "DedupTransport",
    "HttpTransport",
    "PropagatingSubscriptions",
    "PropagatingTransport",
    "SubgraphHttpError",
    "SubgraphRequest",
    "SubgraphResponse",
    "SubgraphSubscriptionError",
    "SubscriptionEndpoint",
    "SubscriptionTransport",
    "Transport",
    "TransportError",
    "UnknownSubgraphError",
    "WebSocketSubscriptions",
]
