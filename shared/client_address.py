"""Whose word on the client's address a subgraph takes: the router's, proven by a shared secret.

The router sends ``X-Beyond-Router-Secret`` with every subgraph request when
``[server] router_secret`` is set; a subgraph believes ``X-Forwarded-For``
only when the header holds its own ``BEYOND_ROUTER_SECRET``. Being on the
same host proves nothing: any local process can connect from loopback.
"""

from __future__ import annotations

import hmac

ROUTER_SECRET_HEADER = "x-beyond-router-secret"


def from_router(presented: str | None, secret: str | None) -> bool:
    """Whether ``presented`` is the router's ``secret`` (never true without one)."""
    if not secret or presented is None:
        return False
    return hmac.compare_digest(presented.encode(), secret.encode())
