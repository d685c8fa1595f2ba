"""Executor fixtures: the shop subgraphs in-process, a client API schema, recording transports.

Plans are written by hand in the tests, so the executor is tested without the
planner; the API schema adds abstract types the shop lacks, for shaping.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from graphql import GraphQLSchema, build_schema, parse

from router.execution import ExecutionRequest, execute
from router.plan import QueryPlan
from router.transport import AsgiTransport, SubgraphRequest, SubgraphResponse
from tests.router.boutiques import boutique_apps
from tests.router.shop import shop_apps

API_SDL = """
type Query {
  topProducts(first: Int = 5): [Product!]!
  products(upcs: [ID!]!): [Product]!
  search: [SearchResult!]
  node(id: ID!): Node
}
interface Node { id: ID! }
type Product { upc: ID! name: String price: Int! weight: Int! reviews: [Review!] shippingEstimate: Int! }
type Review { body: String! }
type Book implements Node { id: ID! title: String! pages: Int format: Format formats: [Format!] }
enum Format { PAPER EBOOK }
type Film implements Node { id: ID! title: String! minutes: Int! }
union SearchResult = Book | Film
"""


@pytest.fixture(scope="session")
def api_schema() -> GraphQLSchema:
    return build_schema(API_SDL)


class RecordingTransport:
    """Wraps a transport (or a handler) and records every request sent."""

    def __init__(
        self,
        inner: AsgiTransport | None = None,
        handler: Callable[[str, SubgraphRequest], Awaitable[SubgraphResponse]] | None = None,
    ) -> None:
        self._inner = inner
        self._handler = handler
        self.sent: list[tuple[str, SubgraphRequest]] = []

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        self.sent.append((service_name, request))
        if self._handler is not None:
            return await self._handler(service_name, request)
        assert self._inner is not None
        return await self._inner.fetch(service_name, request)


@pytest.fixture
def catalog() -> RecordingTransport:
    return RecordingTransport(AsgiTransport(shop_apps()))


@pytest.fixture
def boutiques() -> RecordingTransport:
    """The storefront subgraphs (``@context`` / ``@fromContext``) in-process."""
    return RecordingTransport(AsgiTransport(boutique_apps()))


Handler = Callable[[str, SubgraphRequest], Awaitable[SubgraphResponse]]


@pytest.fixture
def canned() -> Callable[[Handler], RecordingTransport]:
    """A transport answering from ``handler(service_name, request)``."""
    return lambda handler: RecordingTransport(handler=handler)


Runner = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def run(api_schema: GraphQLSchema) -> Runner:
    """``await run(query, plan, transport, variables=..., error_policy=...)`` → the formatted response."""

    async def runner(
        query: str,
        plan: QueryPlan,
        transport: Any,
        variables: dict[str, Any] | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        request = ExecutionRequest(schema=api_schema, document=parse(query), variables=variables)
        result = await execute(plan, request, transport, **options)
        return result.formatted()

    return runner
