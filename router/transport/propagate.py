"""Per-subgraph header rules, wrapped around any transport.

The edge forwards every header some subgraph is configured to receive;
:class:`PropagatingTransport` and :class:`PropagatingSubscriptions` then drop,
per subgraph, those that subgraph is not configured for (``allowed`` gives
the names by subgraph), for requests and for a subscription's
``connection_init`` alike. Like :class:`~router.transport.dedup.DedupTransport`,
they wrap a transport rather than living inside one.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable

from router.transport.types import (
    SubgraphRequest,
    SubgraphResponse,
    SubscriptionTransport,
    Transport,
)


class PropagatingTransport:
    """Drops, per subgraph, the forwarded headers that subgraph is not configured to receive."""

    def __init__(self, inner: Transport, allowed: Callable[[str], frozenset[str]]) -> None:
        self._inner = inner
        self._allowed = allowed
        self._names: dict[str, frozenset[str]] = {}  # ``allowed`` answers from fixed settings

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        names = self._names.get(service_name)
        if names is None:
            names = self._names[service_name] = self._allowed(service_name)
        return await self._inner.fetch(service_name, _allowed_only(request, names))


class PropagatingSubscriptions:
    """The same rule for subscriptions: what reaches the subgraph's ``connection_init``."""

    def __init__(
        self, inner: SubscriptionTransport, allowed: Callable[[str], frozenset[str]]
    ) -> None:
        self._inner = inner
        self._allowed = allowed

    def subscribe(
        self, service_name: str, request: SubgraphRequest
    ) -> AsyncGenerator[SubgraphResponse, None]:
        return self._inner.subscribe(
            service_name, _allowed_only(request, self._allowed(service_name))
        )


def _allowed_only(request: SubgraphRequest, names: frozenset[str]) -> SubgraphRequest:
    if not request.headers:
        return request
    headers = tuple((k, v) for k, v in request.headers if k.lower() in names)
    if headers == request.headers:
        return request
    return SubgraphRequest(
        query=request.query,
        operation_name=request.operation_name,
        variables=request.variables,
        headers=headers,
    )
