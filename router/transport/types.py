"""The transport plug points: a GraphQL request to one subgraph and what came back; a subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from shared.client_address import ROUTER_SECRET_HEADER

# Header lists keep repeated names (``Set-Cookie``), so they are pairs, not a dict.
Headers = tuple[tuple[str, str], ...]

# Set by the router on every subgraph request from what it saw of the client: the
# request id, and the client's address (replacing any the client claimed). They
# describe the request, not what it asks, so they never make two fetches differ.
# The router's secret (``[server] router_secret``) too: a client never sends it on.
EDGE_HEADERS = frozenset({"x-request-id", "x-forwarded-for", ROUTER_SECRET_HEADER})


def is_mutation(query: str) -> bool:
    """Whether a subgraph operation may change something (and so must run exactly once)."""
    # Plans print subgraph operations with the operation keyword first.
    return query.lstrip().startswith("mutation")


@dataclass(frozen=True, slots=True)
class SubgraphRequest:
    query: str
    operation_name: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    headers: Headers = ()

    def body(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"query": self.query}
        if self.operation_name is not None:
            payload["operationName"] = self.operation_name
        if self.variables:
            payload["variables"] = dict(self.variables)
        return payload


@dataclass(frozen=True, slots=True)
class SubgraphResponse:
    """A decoded GraphQL response; ``data`` is ``None`` when absent or null.

    ``extensions`` is the response's own ``extensions`` object (``None`` when absent);
    the router reads entity invalidations there and never passes it on to clients.
    """

    data: dict[str, Any] | None
    errors: tuple[dict[str, Any], ...] = ()
    headers: Headers = ()
    status: int = 200
    extensions: Mapping[str, Any] | None = None


class Transport(Protocol):
    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse: ...


class SubscriptionTransport(Protocol):
    def subscribe(
        self, service_name: str, request: SubgraphRequest
    ) -> AsyncGenerator[SubgraphResponse, None]:
        """Subscribe at the subgraph: one response per event until it completes.

        Raises :class:`~router.transport.errors.TransportError` when the
        subscription cannot be opened or its connection is lost, and
        :class:`~router.transport.errors.SubgraphSubscriptionError` when the
        subgraph ends it with errors. Closing the generator ends the
        subscription at the subgraph.
        """
        ...
