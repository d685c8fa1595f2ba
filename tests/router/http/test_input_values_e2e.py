"""Enum values a subgraph does not know never reach it, whether literal or in variables.

Subgraph ``a`` knows ``Sort { NEWEST }`` and serves ``posts``; subgraph ``b``
knows ``Sort { NEWEST HOTTEST }`` and serves ``trending``. The supergraph is
hand-written: composition keeps in input positions only the values every
subgraph knows, but a hand-written one (or ``@inaccessible`` removed later)
can offer clients HOTTEST, and ``join__enumValue`` says who knows it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import strawberry
from strawberry.asgi import GraphQL

from router.config import parse_config
from router.http import create_router_app
from tests.router.hand_written import TWO_GRAPHS
from tests.router.live_server import serving

SUPERGRAPH = (
    TWO_GRAPHS
    + """
enum Sort @join__type(graph: A) @join__type(graph: B) {
  NEWEST @join__enumValue(graph: A) @join__enumValue(graph: B)
  HOTTEST @join__enumValue(graph: B)
}

input Filter @join__type(graph: A) {
  sorts: [Sort!]
}

type Query @join__type(graph: A) @join__type(graph: B) {
  posts(sort: Sort, filter: Filter): [String!]! @join__field(graph: A)
  trending(sort: Sort!): [String!]! @join__field(graph: B)
}
"""
)


@strawberry.enum(name="Sort")
class SortInA(enum.Enum):
    NEWEST = "NEWEST"


@strawberry.input(name="Filter")
class FilterInA:
    sorts: list[SortInA] | None = None


@strawberry.type
class QueryInA:
    @strawberry.field
    def posts(self, sort: SortInA | None = None, filter: FilterInA | None = None) -> list[str]:
        sorts = [sort] if sort else (filter.sorts or [] if filter else [])
        return [f"a:{s.value}" for s in sorts]


@strawberry.enum(name="Sort")
class SortInB(enum.Enum):
    NEWEST = "NEWEST"
    HOTTEST = "HOTTEST"


@strawberry.type
class QueryInB:
    @strawberry.field
    def trending(self, sort: SortInB) -> list[str]:
        return [f"b:{sort.value}"]


class Counting:
    """An ASGI app that counts the HTTP requests it passes on."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.requests = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.requests += 1
        await self.app(scope, receive, send)


@dataclasses.dataclass
class Setup:
    client: httpx.AsyncClient
    subgraphs: dict[str, Counting]

    async def ask(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        for subgraph in self.subgraphs.values():
            subgraph.requests = 0
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        return response.json()

    def sent(self) -> dict[str, int]:
        return {name: subgraph.requests for name, subgraph in self.subgraphs.items()}


@pytest.fixture(scope="module")
def supergraph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("input_values") / "supergraph.graphql"
    path.write_text(SUPERGRAPH)
    return path


@pytest.fixture(scope="module")
async def setup(supergraph: Path) -> AsyncIterator[Setup]:
    subgraphs = {
        "a": Counting(
            GraphQL(strawberry.federation.Schema(query=QueryInA, federation_version="2.7"))
        ),
        "b": Counting(
            GraphQL(strawberry.federation.Schema(query=QueryInB, federation_version="2.7"))
        ),
    }
    async with contextlib.AsyncExitStack() as stack:
        urls = {
            name: await stack.enter_async_context(serving(app, path="/graphql"))
            for name, app in subgraphs.items()
        }
        config = dataclasses.replace(
            parse_config({"subgraphs": {name: {"url": url} for name, url in urls.items()}}),
            supergraph=supergraph,
        )
        router_url = await stack.enter_async_context(serving(create_router_app(config)))
        client = await stack.enter_async_context(httpx.AsyncClient(base_url=router_url, timeout=10))
        yield Setup(client, subgraphs)


async def test_values_the_subgraph_knows_go_through(setup: Setup) -> None:
    query = "query($s: Sort, $t: Sort!) { posts(sort: $s) trending(sort: $t) }"
    assert await setup.ask(query, {"s": "NEWEST", "t": "HOTTEST"}) == {
        "data": {"posts": ["a:NEWEST"], "trending": ["b:HOTTEST"]}
    }
    assert setup.sent() == {"a": 1, "b": 1}


@pytest.mark.parametrize(
    ("query", "variables", "where"),
    [
        ("query($s: Sort) { posts(sort: $s) }", {"s": "HOTTEST"}, '"s"'),
        (
            "query($f: Filter) { posts(filter: $f) }",
            {"f": {"sorts": ["NEWEST", "HOTTEST"]}},
            '"f.sorts[1]"',
        ),
        (
            "query($s: Sort!) { trending(sort: $s) posts(sort: $s) }",
            {"s": "HOTTEST"},
            '"s"',
        ),
    ],
    ids=["variable", "nested in an input object's list", "shared with a subgraph that knows it"],
)
async def test_a_variable_value_the_subgraph_lacks_is_refused_before_any_fetch(
    setup: Setup, query: str, variables: dict[str, Any], where: str
) -> None:
    body = await setup.ask(query, variables)
    assert "data" not in body
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert error["message"].endswith(
        f'subgraph "a", which receives it, does not accept: at {where}, '
        'enum "Sort" has no value "HOTTEST" there.'
    )
    assert setup.sent() == {"a": 0, "b": 0}


async def test_a_literal_value_the_subgraph_lacks_is_refused(setup: Setup) -> None:
    body = await setup.ask("{ posts(filter: { sorts: [HOTTEST] }) }")
    assert body == {
        "errors": [
            {
                "message": "The arguments of Query.posts use a value that no subgraph resolving "
                'that field accepts: in subgraph "a", argument "filter": enum "Sort" has no '
                'value "HOTTEST".',
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert setup.sent() == {"a": 0, "b": 0}
