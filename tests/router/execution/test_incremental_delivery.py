"""Incremental delivery: the primary answer first, then one payload per finished deferred part."""

from __future__ import annotations

from typing import Any

import pytest

from router.execution import ExecutionRequest, execute, execute_incremental
from router.operation import prepare
from router.planner import plan
from router.transport import SubgraphRequest, SubgraphResponse
from tests.router.planner.plan_cases import supergraph

PRODUCTS = {
    "1": {"name": "Table", "price": 10, "weight": 5, "rating": 4.5},
    "2": {"name": "Chair", "price": 7, "weight": None, "rating": 3.0},
}


def answer(rating_errors: bool = False):
    async def handler(service: str, request: SubgraphRequest) -> SubgraphResponse:
        query = request.query
        if "_entities" in query:
            representations = (request.variables or {})["representations"]
            entities: list[dict[str, Any] | None] = []
            for rep in representations:
                if rep["__typename"] == "Product":
                    entities.append({**rep, **PRODUCTS[rep["upc"]], "reviews": []})
                else:
                    entities.append({**rep, "name": "Ada", "email": "ada@example.com"})
            if rating_errors and service == "reviews":
                return SubgraphResponse(
                    data={"_entities": [{**e, "rating": None} for e in entities if e]},
                    errors=[{"message": "ratings are down", "path": ["_entities", 0, "rating"]}],
                )
            return SubgraphResponse(data={"_entities": entities})
        if "topProducts" in query:
            items = [{"__typename": "Product", "upc": u, **PRODUCTS[u]} for u in ("1", "2")]
            return SubgraphResponse(data={"topProducts": items})
        return SubgraphResponse(
            data={"product": {"__typename": "Product", "upc": "1", **PRODUCTS["1"]}}
        )

    return handler


class Canned:
    def __init__(self, rating_errors: bool = False) -> None:
        self.handler = answer(rating_errors)
        self.services: list[str] = []

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        self.services.append(service_name)
        return await self.handler(service_name, request)


async def payloads(
    query: str, variables: dict[str, Any] | None = None, transport: Canned | None = None
) -> list[dict[str, Any]]:
    graph = supergraph("defer")
    operation = prepare(graph, query)
    request = ExecutionRequest(graph.api_schema, operation.document, variables=variables)
    out = []
    async for payload, _ in execute_incremental(
        plan(graph, operation), request, transport or Canned()
    ):
        out.append(payload)
    return out


async def test_the_deferred_fragment_arrives_after_the_primary_answer() -> None:
    query = '{ product(upc: "1") { name ... @defer(label: "price") { price } } }'
    assert await payloads(query) == [
        {"data": {"product": {"name": "Table"}}, "hasNext": True},
        {
            "hasNext": False,
            "incremental": [{"data": {"price": 10}, "path": ["product"], "label": "price"}],
        },
    ]


async def test_a_defer_inside_a_list_gives_one_item_per_object() -> None:
    query = "{ topProducts { upc ... @defer { rating } } }"
    first, last = await payloads(query)
    assert first == {"data": {"topProducts": [{"upc": "1"}, {"upc": "2"}]}, "hasNext": True}
    assert last == {
        "hasNext": False,
        "incremental": [
            {"data": {"rating": 4.5}, "path": ["topProducts", 0]},
            {"data": {"rating": 3.0}, "path": ["topProducts", 1]},
        ],
    }


async def test_a_nested_defer_arrives_after_its_parent() -> None:
    query = (
        '{ product(upc: "1") { name ... @defer(label: "outer") { price '
        '... @defer(label: "inner") { rating } } } }'
    )
    first, second, third = await payloads(query)
    assert first["hasNext"] is True
    assert second == {
        "hasNext": True,
        "incremental": [{"data": {"price": 10}, "path": ["product"], "label": "outer"}],
    }
    assert third == {
        "hasNext": False,
        "incremental": [{"data": {"rating": 4.5}, "path": ["product"], "label": "inner"}],
    }


async def test_errors_of_a_deferred_part_stay_in_its_item_at_the_client_path() -> None:
    query = '{ product(upc: "1") { name ... @defer { rating } } }'
    first, last = await payloads(query, transport=Canned(rating_errors=True))
    assert "errors" not in first
    (item,) = last["incremental"]
    assert item["data"] == {"rating": None}
    assert [e["path"] for e in item["errors"]] == [["product", "rating"]]
    assert item["errors"][0]["message"] == "ratings are down"


async def test_null_bubbling_stays_inside_the_deferred_fragment() -> None:
    query = "{ topProducts { name ... @defer { weight } } }"
    first, last = await payloads(query)
    assert first["data"] == {"topProducts": [{"name": "Table"}, {"name": "Chair"}]}
    ok, bubbled = last["incremental"]
    assert ok == {"data": {"weight": 5}, "path": ["topProducts", 0]}
    assert bubbled["data"] is None
    assert bubbled["path"] == ["topProducts", 1]
    assert [e["path"] for e in bubbled["errors"]] == [["topProducts", 1, "weight"]]


@pytest.mark.parametrize(("deferred", "parts"), [(True, 2), (False, 1)])
async def test_if_variable_decides_the_deferral(deferred: bool, parts: int) -> None:
    query = 'query($d: Boolean!) { product(upc: "1") { name ... @defer(if: $d) { price } } }'
    out = await payloads(query, {"d": deferred})
    assert len(out) == parts
    if not deferred:
        assert out == [{"data": {"product": {"name": "Table", "price": 10}}}]


async def test_execute_answers_a_deferred_plan_whole() -> None:
    graph = supergraph("defer")
    operation = prepare(graph, '{ product(upc: "1") { name ... @defer { price rating } } }')
    request = ExecutionRequest(graph.api_schema, operation.document)
    result = await execute(plan(graph, operation), request, Canned())
    assert result.formatted() == {
        "data": {"product": {"name": "Table", "price": 10, "rating": 4.5}}
    }
