"""Transport failures: the request got no usable GraphQL response.

::

    TransportError                 any failure to get a GraphQL response
    ├── UnknownSubgraphError       no URL or app registered under that name
    ├── SubgraphHttpError          a response came, but not a GraphQL one
    │                              (non-2xx without a GraphQL body, bad JSON)
    └── SubgraphSubscriptionError  the subgraph ended a subscription with errors
                                   (an ``error`` message, a refused connection)

Timeouts, connection failures and lost subscription connections surface as
plain ``TransportError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class TransportError(Exception):
    def __init__(self, service_name: str, reason: str) -> None:
        super().__init__(f"subgraph '{service_name}': {reason}")
        self.service_name = service_name
        self.reason = reason


class UnknownSubgraphError(TransportError):
    def __init__(self, service_name: str) -> None:
        super().__init__(service_name, "no such subgraph is configured")


class SubgraphHttpError(TransportError):
    def __init__(self, service_name: str, status: int, reason: str) -> None:
        super().__init__(service_name, f"HTTP {status}: {reason}")
        self.status = status


class SubgraphSubscriptionError(TransportError):
    """``errors`` are GraphQL errors as the subgraph (or its protocol) stated them."""

    def __init__(self, service_name: str, errors: tuple[Mapping[str, Any], ...]) -> None:
        first = str(errors[0].get("message", "")) if errors else "no reason given"
        super().__init__(service_name, f"subscription ended with an error: {first}")
        self.errors = errors
