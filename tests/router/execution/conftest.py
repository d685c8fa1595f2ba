"""A small catalog graph for executor tests: three Strawberry subgraphs and the client API schema.

``products`` owns ``Product`` (``@key(upc)``), ``reviews`` adds
``Product.reviews``, ``inventory`` adds ``Product.shippingEstimate``
``@requires(price weight)``. Plans are written by hand in the tests, so the
executor is tested without the planner.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import strawberry
from graphql import GraphQLSchema, build_schema, parse
from strawberry.asgi import GraphQL

from router.execution import ExecutionRequest, execute
from router.plan import QueryPlan
from router.transport import AsgiTransport, SubgraphRequest, SubgraphResponse

PRODUCTS: dict[str, dict[str, Any]] = {
    "1": {"name": "Table", "price": 899, "weight": 100},
    "2": {"name": "Couch", "price": 1299, "weight": 1000},
    "3": {"name": "Chair", "price": 54, "weight": 50},
}
REVIEWS: dict[str, list[str]] = {"1": ["Love it!", "Too expensive."], "2": ["Could be softer."]}


@strawberry.federation.type(keys=["upc"])
class Product:
    upc: strawberry.ID
    name: str | None
    price: int
    weight: int

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> Product | None:
        row = PRODUCTS.get(upc)
        return None if row is None else Product(upc=upc, **row)


@strawberry.type
class ProductsQuery:
    @strawberry.field
    def top_products(self, first: int = 5) -> list[Product]:
        return [Product(upc=strawberry.ID(upc), **row) for upc, row in PRODUCTS.items()][:first]

    @strawberry.field
    def products(self, upcs: list[strawberry.ID]) -> list[Product | None]:
        return [Product.resolve_reference(upc) for upc in upcs]


@strawberry.type
class Review:
    body: str


@strawberry.federation.type(keys=["upc"], name="Product")
class ReviewedProduct:
    upc: strawberry.ID

    @strawberry.field
    def reviews(self) -> list[Review]:
        if self.upc == "3":
            raise ValueError("reviews of 3 are being moderated")
        return [Review(body=b) for b in REVIEWS.get(self.upc, [])]

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID) -> ReviewedProduct:
        return ReviewedProduct(upc=upc)


@strawberry.federation.type(keys=["upc"], name="Product")
class StockedProduct:
    upc: strawberry.ID
    price: int = strawberry.federation.field(external=True)
    weight: int = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["price weight"])
    def shipping_estimate(self) -> int:
        return 0 if self.price > 1000 else self.weight // 2

    @classmethod
    def resolve_reference(cls, upc: strawberry.ID, price: int, weight: int) -> StockedProduct:
        return StockedProduct(upc=upc, price=price, weight=weight)


@strawberry.type
class Placeholder:
    @strawberry.field
    def ping(self) -> bool:
        return True


def catalog_apps() -> dict[str, Any]:
    def schema(query: type, types: list[type]) -> strawberry.federation.Schema:
        return strawberry.federation.Schema(query=query, types=types, federation_version="2.7")

    return {
        "products": GraphQL(schema(ProductsQuery, [Product])),
        "reviews": GraphQL(schema(Placeholder, [ReviewedProduct])),
        "inventory": GraphQL(schema(Placeholder, [StockedProduct])),
    }


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
type Book implements Node { id: ID! title: String! pages: Int }
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
    return RecordingTransport(AsgiTransport(catalog_apps()))


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
