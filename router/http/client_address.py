"""What the router tells subgraphs about a request's client: its request id and its address.

The address is the connection's peer, unless the peer is one of
``[server] trusted_proxies`` (addresses or networks; none by default): then
``X-Forwarded-For`` is read from the right, past every trusted proxy, and the
first address no trusted proxy stands for is the client. A client never
chooses its own address by sending the header. With ``[server]
router_secret`` set, every subgraph request carries it, so subgraphs know
the forwarded address comes from the router (:mod:`shared.client_address`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from router.transport.types import Headers
from shared.client_address import ROUTER_SECRET_HEADER

REQUEST_ID_HEADER = "x-request-id"

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Edge:
    def __init__(
        self, trusted_proxies: Iterable[str] = (), router_secret: str | None = None
    ) -> None:
        self._trusted: tuple[_Network, ...] = tuple(
            ipaddress.ip_network(proxy, strict=False) for proxy in trusted_proxies
        )
        self._secret = router_secret

    def headers(self, request_id: str, peer: str | None, forwarded: str | None) -> Headers:
        """The edge headers for every subgraph request of a client request: ``peer`` is the
        connection's, ``forwarded`` the request's first ``X-Forwarded-For``."""
        address = self.client_address(peer, forwarded)
        out: Headers = ((REQUEST_ID_HEADER, request_id), ("x-forwarded-for", address))
        if self._secret:
            out = (*out, (ROUTER_SECRET_HEADER, self._secret))
        return out

    def client_address(self, peer: str | None, forwarded: str | None) -> str:
        if peer is None:
            return "unknown"
        if not forwarded or not self._is_trusted(peer):
            return peer
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self._is_trusted(hop):
                return hop
        return hops[0] if hops else peer

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self._trusted)
