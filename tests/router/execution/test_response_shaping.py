"""Shaping the client's answer from the response tree: the operation decides what and in which order."""

from __future__ import annotations

from typing import Any

from graphql import parse

from router.execution import ExecutionRequest, execute
from router.plan import ConditionNode, FetchNode, QueryPlan
from router.transport import SubgraphRequest, SubgraphResponse

SEARCH = [
    {"__typename": "Book", "id": "b1", "title": "Dune", "pages": 412},
    {"__typename": "Film", "id": "f1", "title": "Alien", "minutes": 117},
]


def answering(data: dict[str, Any]):
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        return SubgraphResponse(data=data)

    return answer


ROOT = QueryPlan(FetchNode("media", "{...}"))
SEARCH_ITEMS_REMOVED = {
    "message": "Unauthorized field or type",
    "path": ["search", "@"],
    "extensions": {"code": "UNAUTHORIZED_FIELD_OR_TYPE"},
}


async def test_aliases_order_and_typename_follow_the_operation(run, canned) -> None:
    query = """
      { search { __typename ... on Film { length: minutes t: title } ... on Book { title } } }
    """
    # Subgraph operations keep the client's response names, so the tree holds the aliases.
    tree = [SEARCH[0], {"__typename": "Film", "id": "f1", "length": 117, "t": "Alien"}]
    response = await run(query, ROOT, canned(answering({"search": tree})))
    assert response == {
        "data": {
            "search": [
                {"__typename": "Book", "title": "Dune"},
                {"__typename": "Film", "length": 117, "t": "Alien"},
            ]
        }
    }
    assert list(response["data"]["search"][1]) == ["__typename", "length", "t"]


async def test_fragments_on_interfaces_match_the_concrete_typename(run, canned) -> None:
    query = """
      query { node(id: "b1") { id ...Titled } }
      fragment Titled on Node { ... on Book { title pages } ... on Film { minutes } }
    """
    response = await run(query, ROOT, canned(answering({"node": SEARCH[0]})))
    assert response == {"data": {"node": {"id": "b1", "title": "Dune", "pages": 412}}}


async def test_an_enum_value_the_api_schema_lacks_is_null_with_an_error(run, canned) -> None:
    books = [
        {**SEARCH[0], "format": "AUDIO", "formats": ["PAPER", "AUDIO"]},
        {**SEARCH[0], "format": 3, "formats": ["EBOOK"]},
        {**SEARCH[0], "format": "PAPER", "formats": []},
    ]
    query = "{ search { ... on Book { format formats } } }"
    response = await run(query, ROOT, canned(answering({"search": books})))
    # formats: [Format!]: the bad item nulls the list; the value itself never shows.
    assert response == {
        "data": {
            "search": [
                {"format": None, "formats": None},
                {"format": None, "formats": ["EBOOK"]},
                {"format": "PAPER", "formats": []},
            ]
        },
        "errors": [
            {
                "message": "Invalid value found for field Book.format.",
                "locations": [{"line": 1, "column": 26}],
                "path": ["search", 0, "format"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
            },
            {
                "message": "Invalid value found for field Book.formats.",
                "locations": [{"line": 1, "column": 33}],
                "path": ["search", 0, "formats", 1],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
            },
            {
                "message": "Invalid value found for field Book.format.",
                "locations": [{"line": 1, "column": 26}],
                "path": ["search", 1, "format"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
            },
        ],
    }


async def test_a_non_null_violation_bubbles_to_the_nearest_nullable_ancestor(run, canned) -> None:
    broken = [dict(SEARCH[0]), {**SEARCH[1], "minutes": None}]
    query = "{ search {\n ... on Film { minutes } } }"
    response = await run(query, ROOT, canned(answering({"search": broken})))
    # search: [SearchResult!] — the Film item is non-null, so the whole list becomes null.
    assert response == {
        "data": {"search": None},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Film.minutes.",
                "locations": [{"line": 2, "column": 16}],
                "path": ["search", 1, "minutes"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
            }
        ],
    }


async def test_a_null_root_non_null_field_nulls_data(run, canned) -> None:
    response = await run("{ topProducts { upc } }", ROOT, canned(answering({})))
    assert response["data"] is None
    assert response["errors"][0]["path"] == ["topProducts"]


async def test_skip_and_include_prune_the_answer(run, canned) -> None:
    query = """
      query($withPages: Boolean!, $noTitle: Boolean = true) {
        node(id: "b1") { id ... on Book @include(if: $withPages) { pages } title @skip(if: $noTitle) }
      }
    """
    data = {"node": {**SEARCH[0]}}
    shaped = await run(query, ROOT, canned(answering(data)), variables={"withPages": False})
    assert shaped == {"data": {"node": {"id": "b1"}}}


async def test_a_condition_node_skips_the_fetch_when_the_variable_is_false(run, canned) -> None:
    plan = QueryPlan(ConditionNode("withSearch", FetchNode("media", "{search{...}}"), None))
    transport = canned(answering({"search": SEARCH}))
    query = "query($withSearch: Boolean!) { search @include(if: $withSearch) { __typename } }"
    assert await run(query, plan, transport, variables={"withSearch": False}) == {"data": {}}
    assert transport.sent == []
    shaped = await run(query, plan, transport, variables={"withSearch": True})
    assert shaped == {"data": {"search": [{"__typename": "Book"}, {"__typename": "Film"}]}}


async def test_invalid_variables_are_a_request_error_without_data(run, canned) -> None:
    transport = canned(answering({}))
    response = await run(
        "query($n: Int!) { topProducts(first: $n) { upc } }",
        ROOT,
        transport,
        variables={"n": "many"},
    )
    assert "data" not in response
    (error,) = response["errors"]
    assert "$n" in error["message"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["locations"] == [{"line": 1, "column": 7}]
    assert transport.sent == []


async def test_every_missing_or_mistyped_variable_is_reported(run, canned) -> None:
    transport = canned(answering({}))
    response = await run(
        "query($n: Int!, $upcs: [ID!]!) { topProducts(first: $n) { upc } products(upcs: $upcs) { upc } }",
        ROOT,
        transport,
        variables={"upcs": [None]},
    )
    assert [(e["message"].split()[1], e["extensions"]) for e in response["errors"]] == [
        ("'$n'", {"code": "BAD_USER_INPUT"}),
        ("'$upcs'", {"code": "BAD_USER_INPUT"}),
    ]
    assert transport.sent == []


async def test_root_typename_needs_no_fetch(run, canned) -> None:
    transport = canned(answering({}))
    response = await run("{ __typename t: __typename }", QueryPlan(None), transport)
    assert response == {"data": {"__typename": "Query", "t": "Query"}}
    assert transport.sent == []


async def test_a_fragment_authorization_removed_leaves_out_what_only_it_selects(
    api_schema, canned
) -> None:
    # The tree holds each object's id (a plan fetches keys whatever the client selected);
    # the fragment on Node was removed: only a field selected elsewhere too is answered.
    query = "{ search { ... on Book { title id } ... on Node { id } ... on Film { title } } }"
    refused = query.index("... on Node")
    tree = [{**SEARCH[0]}, {**SEARCH[1]}]
    request = ExecutionRequest(
        schema=api_schema,
        document=parse(query),
        unauthorized=(("search", "@"),),
        unauthorized_fragments=((("search", "@"), "Node"),),
        refused_fragments=frozenset({refused}),
    )
    result = await execute(ROOT, request, canned(answering({"search": tree})))
    # A film's id (ID!) is selected only under the removed fragment: the film is null,
    # and [SearchResult!] makes the list null, with no error but the removal's.
    assert result.formatted() == {
        "errors": [SEARCH_ITEMS_REMOVED],
        "data": {"search": None},
    }
    books = await execute(ROOT, request, canned(answering({"search": tree[:1]})))
    assert books.formatted()["data"] == {"search": [{"title": "Dune", "id": "b1"}]}


async def test_errors_beside_a_fragment_removed_as_written_are_kept(api_schema, canned) -> None:
    # The fragment on Node applies to the book too, but the book's format is selected
    # outside it: its invalid value gets its own error beside the removal's.
    query = "{ search { ... on Book { title format id } ... on Node { id } } }"
    request = ExecutionRequest(
        schema=api_schema,
        document=parse(query),
        unauthorized=(("search", "@"),),
        unauthorized_fragments=((("search", "@"), "Node"),),
        refused_fragments=frozenset({query.index("... on Node")}),
    )
    tree = [{**SEARCH[0], "format": "AUDIO"}]
    result = await execute(ROOT, request, canned(answering({"search": tree})))
    assert result.formatted() == {
        "errors": [
            SEARCH_ITEMS_REMOVED,
            {
                "message": "Invalid value found for field Book.format.",
                "locations": [{"line": 1, "column": 32}],
                "path": ["search", 0, "format"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
            },
        ],
        "data": {"search": [{"title": "Dune", "format": None, "id": "b1"}]},
    }


async def test_nulls_of_a_type_an_expanded_fragment_lost_are_the_removals(
    api_schema, canned
) -> None:
    # The client's fragment on Node stayed; its Film part was removed (the plan fetched no
    # film's title): the film's null title is that removal's, and bubbles without an error.
    query = "{ search { ... on Node { ... on Book { title } ... on Film { title } } } }"
    request = ExecutionRequest(
        schema=api_schema,
        document=parse(query),
        unauthorized=(("search", "@"),),
        unauthorized_fragments=((("search", "@"), "Film"),),
        expanded_fragments=((("search", "@"), "Film"),),
    )
    tree = [{**SEARCH[0]}, {"__typename": "Film", "id": "f1"}]
    result = await execute(ROOT, request, canned(answering({"search": tree})))
    assert result.formatted() == {
        "errors": [SEARCH_ITEMS_REMOVED],
        "data": {"search": None},
    }
