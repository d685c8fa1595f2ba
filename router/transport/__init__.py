"""How the executor reaches subgraphs: one tiny protocol, several peers.

``Transport.fetch(service_name, request) -> SubgraphResponse`` is the whole
interface. :class:`HttpTransport` talks to subgraphs over a pooled aiohttp
session; :class:`AsgiTransport` calls ASGI apps in-process (tests, embedded
runs); :class:`DedupTransport` wraps any transport and sends identical
in-flight requests once.
"""

from __future__ import annotations

from router.transport.asgi import AsgiTransport
from router.transport.dedup import DedupTransport
from router.transport.errors import SubgraphHttpError, TransportError, UnknownSubgraphError
from router.transport.http import HttpTransport
from router.transport.types import SubgraphRequest, SubgraphResponse, Transport

__all__ = [
    "AsgiTransport",
    "DedupTransport",
    "HttpTransport",
    "SubgraphHttpError",
    "SubgraphRequest",
    "SubgraphResponse",
    "Transport",
    "TransportError",
    "UnknownSubgraphError",
]
