"""Contextual arguments at run time: each entity gets its own value, in one subgraph request."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema, parse, validate

from router.execution import ExecutionRequest, execute
from router.execution.contexts import context_values, free_separator, split_operation
from router.operation import prepare
from router.plan import KeyRenamer
from router.planner import plan
from router.supergraph import load_supergraph
from tests.router.boutiques import OPERATIONS
from tests.router.http.compose import BOUTIQUES_SUPERGRAPH

SUPERGRAPH = load_supergraph(BOUTIQUES_SUPERGRAPH.read_text())
CURRENCY = (KeyRenamer(("..", "... on Shop", "currency"), "ctx"),)


def _is(typename: str | None, condition: str) -> bool:
    return typename == condition


async def _run(query: str, transport: Any, variables: dict[str, Any] | None = None) -> Any:
    operation = prepare(SUPERGRAPH, query)
    request = ExecutionRequest(SUPERGRAPH.api_schema, parse(query), variables=variables)
    return (await execute(plan(SUPERGRAPH, operation), request, transport)).formatted()


def _entity_requests(transport: Any) -> list[Any]:
    return [r for service, r in transport.sent if service == "catalog" and "_entities" in r.query]


def test_a_value_is_read_on_the_ancestor_levels_up_past_list_indices() -> None:
    shop = {"__typename": "Shop", "currency": "EUR", "aisles": [{"products": [{"id": "p1"}]}]}
    root = {"shops": [{"__typename": "Shop", "currency": "GBP"}, shop]}
    rewrites = (KeyRenamer(("..", "..", "... on Shop", "currency"), "ctx"),)
    path = ("shops", 1, "aisles", 0, "products", 0)
    assert context_values(root, path, rewrites, _is) == {"ctx": "EUR"}


def test_a_value_on_the_root_is_read_without_a_type_check() -> None:
    root = {"locale": "de", "shops": [{"featured": {"id": "p1"}}]}
    rewrites = (KeyRenamer(("..", "..", "locale"), "ctx"),)
    assert context_values(root, ("shops", 0, "featured"), rewrites, _is) == {"ctx": "de"}


def test_the_first_rewrite_that_finds_a_value_wins_and_none_found_leaves_it_out() -> None:
    root = {"venue": {"__typename": "Market", "schedule": "Sat", "stall": {"id": "st1"}}}
    rewrites = (
        KeyRenamer(("..", "... on Mall", "hours"), "ctx"),
        KeyRenamer(("..", "... on Market", "schedule"), "ctx"),
    )
    assert context_values(root, ("venue", "stall"), rewrites, _is) == {"ctx": "Sat"}
    assert context_values(root, ("venue", "stall"), rewrites[:1], _is) == {}


def test_a_value_under_a_list_is_read_item_by_item() -> None:
    root = {"shop": {"__typename": "Shop", "tags": [{"code": "a"}, {"code": "b"}], "p": {}}}
    rewrites = (KeyRenamer(("..", "... on Shop", "tags", "code"), "ctx"),)
    assert context_values(root, ("shop", "p"), rewrites, _is) == {"ctx": ["a", "b"]}


def test_a_split_operation_is_valid_and_renames_only_what_differs_per_group() -> None:
    operation = (
        "query Q__catalog__1($representations:[_Any!]!,$digits:Int!,$ctx:String)"
        "{_entities(representations:$representations){...on Product{"
        "priceRounded(digits:$digits,currency:$ctx)}}}"
    )
    split = split_operation(operation, ("ctx",), 2, free_separator(("ctx",), ("digits",)))
    schema = build_schema(
        "scalar _Any union _Entity = Product type Product { priceRounded(digits: Int!,"
        " currency: String): String } type Query { _entities(representations: [_Any!]!):"
        " [_Entity]! }"
    )
    document = parse(split)
    assert validate(schema, document) == []
    assert "_0: _entities(representations: $representations_0)" in split
    assert "_1: _entities(representations: $representations_1)" in split
    assert "priceRounded(digits: $digits, currency: $ctx_1)" in split


def test_the_separator_avoids_a_client_variable_of_the_same_shape() -> None:
    assert free_separator(("ctx",), ("digits",)) == "_"
    assert free_separator(("ctx",), ("ctx_0",)) == "__"
    assert free_separator(("ctx",), ("representations_1",)) == "__"


async def test_entities_with_different_values_share_one_request_split_by_value(
    boutiques: Any,
) -> None:
    _, query, variables, expected = OPERATIONS[0]
    assert await _run(query, boutiques, variables) == {"data": expected}
    (request,) = _entity_requests(boutiques)
    # One Kettle, sold in euros in Berlin and in pounds in London: one group per currency.
    assert request.variables["representations_0"] == [{"__typename": "Product", "id": "p1"}]
    assert request.variables["representations_1"] == [{"__typename": "Product", "id": "p1"}]
    values = {request.variables["contextualArgument_1_0_0"]}
    values.add(request.variables["contextualArgument_1_0_1"])
    assert values == {"EUR", "GBP"}


async def test_entities_with_one_value_are_sent_once_in_a_plain_request(boutiques: Any) -> None:
    query = '{ shop(id: "s2") { aisles { products { name price } } } }'
    response = await _run(query, boutiques)
    prices = [p["price"] for a in response["data"]["shop"]["aisles"] for p in a["products"]]
    assert prices == ["28.00 GBP", "16.00 GBP", "28.00 GBP"]
    (request,) = _entity_requests(boutiques)
    assert set(request.variables) == {"representations", "contextualArgument_1_0"}
    assert request.variables["contextualArgument_1_0"] == "GBP"
    # The Toaster in two aisles of one shop: one representation.
    assert sorted(r["id"] for r in request.variables["representations"]) == ["p1", "p2"]


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [(q, v, e) for _, q, v, e in OPERATIONS],
    ids=[label for label, *_ in OPERATIONS],
)
async def test_every_storefront_operation_answers_correctly(
    boutiques: Any, query: str, variables: dict[str, Any] | None, expected: dict[str, Any]
) -> None:
    assert await _run(query, boutiques, variables) == {"data": expected}


async def test_identical_fetches_on_two_paths_share_a_request_and_keep_their_values(
    boutiques: Any,
) -> None:
    query = '{ shops { featured { price } } shop(id: "s2") { featured { price } } }'
    response = await _run(query, boutiques)
    assert response == {
        "data": {
            "shops": [
                {"featured": {"price": "18.00 EUR"}},
                {"featured": {"price": "16.00 GBP"}},
                {"featured": None},
            ],
            "shop": {"featured": {"price": "16.00 GBP"}},
        }
    }
    (request,) = _entity_requests(boutiques)
    # Two groups (EUR, GBP); London's Kettle reached twice is sent once in its group.
    groups = [v for k, v in request.variables.items() if k.startswith("representations_")]
    assert sorted(len(g) for g in groups) == [1, 1]
