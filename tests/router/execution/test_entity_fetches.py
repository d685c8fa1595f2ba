"""Root and entity fetches over in-process subgraphs: one ``_entities`` call per node, results in order."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from router.plan import (
    FetchNode,
    FlattenNode,
    ParallelNode,
    QueryPlan,
    RequiredField,
    RequiredFragment,
    SequenceNode,
)
from router.transport import SubgraphRequest, SubgraphResponse

KEY = (RequiredFragment("Product", (RequiredField("__typename"), RequiredField("upc"))),)
KEY_AND_DIMENSIONS = (
    RequiredFragment(
        "Product",
        (
            RequiredField("__typename"),
            RequiredField("upc"),
            RequiredField("price"),
            RequiredField("weight"),
        ),
    ),
)
ENTITIES = "query($representations:[_Any!]!){_entities(representations:$representations){...on Product{%s}}}"


def reviews_at(path: tuple[str, ...]) -> FlattenNode:
    return FlattenNode(path, FetchNode("reviews", ENTITIES % "reviews{body}", requires=KEY))


def shipping_at(path: tuple[str, ...]) -> FlattenNode:
    return FlattenNode(
        path,
        FetchNode("inventory", ENTITIES % "shippingEstimate", requires=KEY_AND_DIMENSIONS),
    )


def top_products_plan(root: str, variable_usages: tuple[str, ...] = ()) -> QueryPlan:
    return QueryPlan(
        SequenceNode(
            (
                FetchNode("products", root, variable_usages=variable_usages),
                ParallelNode((reviews_at(("topProducts", "@")), shipping_at(("topProducts", "@")))),
            )
        )
    )


async def test_a_plan_joins_three_subgraphs_and_keeps_only_what_was_asked(run, catalog) -> None:
    response = await run(
        "{ topProducts(first: 2) { shippingEstimate name reviews { body } } }",
        top_products_plan("{topProducts(first:2){__typename upc name price weight}}"),
        catalog,
    )
    assert response == {
        "data": {
            "topProducts": [
                {
                    "shippingEstimate": 50,
                    "name": "Table",
                    "reviews": [{"body": "Love it!"}, {"body": "Too expensive."}],
                },
                {"shippingEstimate": 0, "name": "Couch", "reviews": [{"body": "Could be softer."}]},
            ]
        }
    }
    assert list(response["data"]["topProducts"][0]) == ["shippingEstimate", "name", "reviews"]


async def test_variables_are_coerced_with_defaults_and_forwarded(run, catalog) -> None:
    response = await run(
        "query Top($first: Int = 1) { topProducts(first: $first) { name } }",
        top_products_plan(
            "query($first:Int){topProducts(first:$first){__typename upc name price weight}}",
            ("first",),
        ),
        catalog,
    )
    assert response == {"data": {"topProducts": [{"name": "Table"}]}}
    root_request = catalog.sent[0][1]
    assert root_request.variables == {"first": 1}
    assert "representations" not in root_request.variables


async def test_one_entities_request_per_node_carries_each_distinct_representation_once(
    run, catalog
) -> None:
    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode(
                    "products",
                    "query($upcs:[ID!]!){products(upcs:$upcs){__typename upc price weight}}",
                    variable_usages=("upcs",),
                ),
                shipping_at(("products", "@")),
            )
        )
    )
    response = await run(
        "query($upcs: [ID!]!) { products(upcs: $upcs) { upc shippingEstimate } }",
        plan,
        catalog,
        variables={"upcs": ["3", "1", "3", "3"]},
    )
    assert response["data"]["products"] == [
        {"upc": "3", "shippingEstimate": 25},
        {"upc": "1", "shippingEstimate": 50},
        {"upc": "3", "shippingEstimate": 25},
        {"upc": "3", "shippingEstimate": 25},
    ]
    entity_calls = [r for name, r in catalog.sent if name == "inventory"]
    assert len(entity_calls) == 1
    assert [r["upc"] for r in entity_calls[0].variables["representations"]] == ["3", "1"]


async def test_a_null_object_and_a_null_key_are_not_sent(run, canned) -> None:
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        if service == "products":
            return SubgraphResponse(
                data={
                    "products": [
                        {"__typename": "Product", "upc": None, "price": 1, "weight": 2},
                        None,
                        {"__typename": "Product", "upc": "1", "price": 1, "weight": 2},
                    ]
                }
            )
        reps = request.variables["representations"]
        return SubgraphResponse(data={"_entities": [{"shippingEstimate": 7} for _ in reps]})

    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("products", "{products(upcs:[]){__typename upc price weight}}"),
                shipping_at(("products", "@")),
            )
        )
    )
    transport = canned(answer)
    response = await run("{ products(upcs: []) { shippingEstimate } }", plan, transport)
    sent = transport.sent[1][1].variables["representations"]
    assert sent == [{"__typename": "Product", "upc": "1", "price": 1, "weight": 2}]
    # The first product never got its non-null shippingEstimate: it becomes null (the list
    # item is nullable) with an error at its path.
    assert response["data"] == {"products": [None, None, {"shippingEstimate": 7}]}
    assert [e["path"] for e in response["errors"]] == [["products", 0, "shippingEstimate"]]


async def test_a_null_entity_result_adds_nothing_to_its_object(run, canned) -> None:
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        if service == "products":
            return SubgraphResponse(
                data={
                    "products": [
                        {"__typename": "Product", "upc": "1", "name": "A"},
                        {"__typename": "Product", "upc": "2", "name": "B"},
                    ]
                }
            )
        return SubgraphResponse(data={"_entities": [None, {"reviews": [{"body": "ok"}]}]})

    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("products", "{products(upcs:[]){__typename upc name}}"),
                reviews_at(("products", "@")),
            )
        )
    )
    response = await run("{ products(upcs: []) { name reviews { body } } }", plan, canned(answer))
    # The first product keeps what the products subgraph said; only the fields asked of
    # the reviews subgraph (nullable here) are null.
    assert response == {
        "data": {
            "products": [
                {"name": "A", "reviews": None},
                {"name": "B", "reviews": [{"body": "ok"}]},
            ]
        }
    }


async def test_entity_results_are_deep_merged_into_nested_lists(run, canned) -> None:
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        if service == "products":
            data: dict[str, Any] = {
                "topProducts": [{"__typename": "Product", "upc": "1", "reviews": [{"body": "x"}]}]
            }
            return SubgraphResponse(data=data)
        return SubgraphResponse(data={"_entities": [{"name": "Table", "reviews": [{"body": "x"}]}]})

    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("products", "{topProducts{__typename upc reviews{body}}}"),
                FlattenNode(
                    ("topProducts", "@"),
                    FetchNode("reviews", ENTITIES % "name reviews{body}", requires=KEY),
                ),
            )
        )
    )
    response = await run("{ topProducts { name reviews { body } } }", plan, canned(answer))
    assert response == {"data": {"topProducts": [{"name": "Table", "reviews": [{"body": "x"}]}]}}


async def test_a_flatten_with_several_paths_sends_one_request_for_all(run, catalog) -> None:
    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode(
                    "products",
                    '{topProducts(first:2){__typename upc} products(upcs:["3","1"]){__typename upc}}',
                ),
                FlattenNode(
                    ("topProducts", "@"),
                    FetchNode("reviews", ENTITIES % "reviews{body}", requires=KEY),
                    (("products", "@"),),
                ),
            )
        )
    )
    response = await run(
        '{ topProducts(first: 2) { reviews { body } } products(upcs: ["3", "1"]) { reviews { body } } }',
        plan,
        catalog,
    )
    table, couch, chair = (
        [{"body": "Love it!"}, {"body": "Too expensive."}],
        [{"body": "Could be softer."}],
        response["data"]["products"][0]["reviews"],
    )
    assert response["data"] == {
        "topProducts": [{"reviews": table}, {"reviews": couch}],
        "products": [{"reviews": chair}, {"reviews": table}],
    }
    entity_calls = [r for name, r in catalog.sent if name == "reviews"]
    assert len(entity_calls) == 1
    assert [r["upc"] for r in entity_calls[0].variables["representations"]] == ["1", "2", "3"]


async def test_the_executor_sends_what_the_plan_says_and_merges_nothing_itself(
    run, catalog
) -> None:
    plan = QueryPlan(
        ParallelNode(
            (
                SequenceNode(
                    (
                        FetchNode("products", "{topProducts(first:1){__typename upc}}"),
                        reviews_at(("topProducts", "@")),
                    )
                ),
                SequenceNode(
                    (
                        FetchNode("products", '{products(upcs:["2"]){__typename upc}}'),
                        reviews_at(("products", "@")),
                    )
                ),
            )
        )
    )
    response = await run(
        '{ topProducts(first: 1) { reviews { body } } products(upcs: ["2"]) { reviews { body } } }',
        plan,
        catalog,
    )
    assert response["data"] == {
        "topProducts": [{"reviews": [{"body": "Love it!"}, {"body": "Too expensive."}]}],
        "products": [{"reviews": [{"body": "Could be softer."}]}],
    }
    # Two Flatten nodes in the plan: two requests (merging them is the planner's job).
    reviews_calls = [r for name, r in catalog.sent if name == "reviews"]
    assert sorted(r["upc"] for c in reviews_calls for r in c.variables["representations"]) == [
        "1",
        "2",
    ]
    assert len(reviews_calls) == 2


async def test_shared_subgraph_answers_are_never_changed_by_the_requests_reading_them(
    run, canned
) -> None:
    # The same answer objects for every request, as in-flight deduplication hands them out.
    answers: dict[str, dict[str, Any]] = {
        "products": {
            "topProducts": [
                {"__typename": "Product", "upc": "1"},
                {"__typename": "Product", "upc": "1"},
                {"__typename": "Product", "upc": "2"},
            ]
        },
        "reviews": {
            "_entities": [
                {"reviews": [{"__typename": "Review", "id": "r1"}]},
                {
                    "reviews": [
                        {"__typename": "Review", "id": "r2"},
                        {"__typename": "Review", "id": "r1"},
                    ]
                },
            ]
        },
        "bodies": {"_entities": [{"body": "one"}, {"body": "two"}]},
    }
    snapshot = copy.deepcopy(answers)

    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        return SubgraphResponse(data=answers[service])

    review_key = (RequiredFragment("Review", (RequiredField("__typename"), RequiredField("id"))),)
    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("products", "{topProducts{__typename upc}}"),
                FlattenNode(
                    ("topProducts", "@"),
                    FetchNode("reviews", ENTITIES % "reviews{__typename id}", requires=KEY),
                ),
                FlattenNode(
                    ("topProducts", "@", "reviews", "@"),
                    FetchNode(
                        "bodies",
                        "query($representations:[_Any!]!){_entities(representations:"
                        "$representations){...on Review{body}}}",
                        requires=review_key,
                    ),
                ),
            )
        )
    )
    query = "{ topProducts { upc reviews { body } } }"
    one = {"upc": "1", "reviews": [{"body": "one"}]}
    two = {"upc": "2", "reviews": [{"body": "two"}, {"body": "one"}]}
    expected = {"data": {"topProducts": [one, one, two]}}
    responses = await asyncio.gather(*(run(query, plan, canned(answer)) for _ in range(3)))
    assert responses == [expected] * 3
    assert await run(query, plan, canned(answer)) == expected
    assert answers == snapshot
