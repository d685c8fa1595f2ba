"""Variable values a receiving subgraph does not know are refused before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema, parse

from router.execution import ExecutionRequest, execute
from router.plan import (
    ConditionNode,
    DeferNode,
    DeferredNode,
    FetchNode,
    PrimaryDefer,
    QueryPlan,
    SequenceNode,
    UnknownInputs,
)
from router.transport import SubgraphRequest, SubgraphResponse

# The client API offers HOTTEST and Filter.author; subgraph "a" knows neither.
API = build_schema("""
enum Sort { NEWEST HOTTEST }
input Window { sorts: [Sort!] }
input Filter { tag: String author: String within: Window }
type Query { posts(sort: Sort, filter: Filter): [String] trending(sort: Sort): [String] }
""")
LACKING = (
    UnknownInputs("Filter", frozenset({"author"})),
    UnknownInputs("Sort", frozenset({"HOTTEST"})),
)
POSTS = FetchNode(
    "a",
    "query($s:Sort,$f:Filter){posts(sort:$s,filter:$f)}",
    variable_usages=("s", "f"),
    unknown_inputs=LACKING,
)
TRENDING = FetchNode("b", "query($s:Sort){trending(sort:$s)}", variable_usages=("s",))
QUERY = "query($s: Sort, $f: Filter) { posts(sort: $s, filter: $f) }"


class Recording:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        self.sent.append(service_name)
        field = "posts" if service_name == "a" else "trending"
        return SubgraphResponse(data={field: [service_name]})


async def _run(query: str, plan: QueryPlan, variables: dict[str, Any]) -> tuple[Any, list[str]]:
    transport = Recording()
    request = ExecutionRequest(schema=API, document=parse(query), variables=variables)
    result = await execute(plan, request, transport)
    return result.formatted(), transport.sent


@pytest.mark.parametrize(
    ("variables", "refusal"),
    [
        ({"s": "HOTTEST"}, 'at "s", enum "Sort" has no value "HOTTEST" there'),
        (
            {"f": {"within": {"sorts": ["NEWEST", "HOTTEST"]}}},
            'at "f.within.sorts[1]", enum "Sort" has no value "HOTTEST" there',
        ),
        (
            {"f": {"tag": "x", "author": "ada"}},
            'at "f", input "Filter" has no field "author" there',
        ),
    ],
)
async def test_a_value_the_subgraph_lacks_is_a_request_error(
    variables: dict[str, Any], refusal: str
) -> None:
    body, sent = await _run(QUERY, QueryPlan(POSTS), variables)
    variable = next(iter(variables))
    assert body == {
        "errors": [
            {
                "message": f'Variable "${variable}" has a value that subgraph "a", which receives '
                f"it, does not accept: {refusal}.",
                "locations": [{"line": 1, "column": 7 if variable == "s" else 17}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }
    assert sent == []


async def test_known_values_are_sent() -> None:
    variables = {"s": "NEWEST", "f": {"tag": "x", "within": {"sorts": ["NEWEST"]}}}
    body, sent = await _run(QUERY, QueryPlan(POSTS), variables)
    assert body == {"data": {"posts": ["a"]}}
    assert sent == ["a"]


async def test_nothing_is_sent_when_one_fetch_of_the_plan_would_receive_an_unknown_value() -> None:
    query = "query($s: Sort) { trending(sort: $s) posts(sort: $s) }"
    body, sent = await _run(query, QueryPlan(SequenceNode((TRENDING, POSTS))), {"s": "HOTTEST"})
    assert [e["extensions"]["code"] for e in body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    assert "data" not in body and sent == []


async def test_a_subgraph_that_knows_the_value_receives_it() -> None:
    body, sent = await _run(
        "query($s: Sort) { trending(sort: $s) }", QueryPlan(TRENDING), {"s": "HOTTEST"}
    )
    assert body == {"data": {"trending": ["b"]}} and sent == ["b"]


async def test_a_fetch_that_a_condition_skips_does_not_count() -> None:
    query = "query($s: Sort, $p: Boolean!) { trending(sort: $s) posts(sort: $s) @include(if: $p) }"
    plan = QueryPlan(SequenceNode((TRENDING, ConditionNode("p", POSTS, None))))
    body, sent = await _run(query, plan, {"s": "HOTTEST", "p": False})
    assert body == {"data": {"trending": ["b"]}} and sent == ["b"]
    body, sent = await _run(query, plan, {"s": "HOTTEST", "p": True})
    assert "data" not in body and sent == []


async def test_a_deferred_fetch_counts_like_any_other() -> None:
    query = "query($s: Sort) { trending(sort: $s) ... @defer { posts(sort: $s) } }"
    deferred = DeferredNode((), (), None, query.index("..."), "{ posts(sort: $s) }", POSTS)
    plan = QueryPlan(DeferNode(PrimaryDefer("{ trending(sort: $s) }", TRENDING), (deferred,)))
    body, sent = await _run(query, plan, {"s": "HOTTEST"})
    assert "data" not in body and sent == []
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
