"""Subgraph errors land at the client's path; a failed fetch nulls only what depended on it."""

from __future__ import annotations

import logging

import pytest

from router.execution import ErrorMode, SubgraphErrorPolicy
from router.plan import (
    FetchNode,
    FlattenNode,
    QueryPlan,
    RequiredField,
    RequiredFragment,
    SequenceNode,
)
from router.transport import SubgraphRequest, SubgraphResponse, TransportError

KEY = (RequiredFragment("Product", (RequiredField("__typename"), RequiredField("upc"))),)
ENTITIES = "query($representations:[_Any!]!){_entities(representations:$representations){...on Product{reviews{body}}}}"
PLAN = QueryPlan(
    SequenceNode(
        (
            FetchNode("products", '{products(upcs:["1","3","1"]){__typename upc name}}'),
            FlattenNode(("products", "@"), FetchNode("reviews", ENTITIES, requires=KEY)),
        )
    )
)
QUERY = '{ products(upcs: ["1", "3", "1"]) { name reviews { body } } }'


def products_then(reviews: SubgraphResponse | Exception):
    async def answer(service: str, request: SubgraphRequest) -> SubgraphResponse:
        if service == "products":
            return SubgraphResponse(
                data={
                    "products": [
                        {"__typename": "Product", "upc": u, "name": n}
                        for u, n in (("1", "Table"), ("3", "Chair"), ("1", "Table"))
                    ]
                }
            )
        if isinstance(reviews, Exception):
            raise reviews
        return reviews

    return answer


MODERATED = SubgraphResponse(
    data={"_entities": [{"reviews": [{"body": "ok"}]}, {"reviews": None}]},
    errors=(
        {
            "message": "reviews are being moderated",
            "path": ["_entities", 1, "reviews"],
            "locations": [{"line": 1, "column": 80}],
            "extensions": {"code": "FORBIDDEN"},
        },
    ),
)


async def test_an_entity_error_is_rewritten_to_the_client_path_with_its_extensions(
    run, canned
) -> None:
    response = await run(QUERY, PLAN, canned(products_then(MODERATED)))
    assert response["data"]["products"][1] == {"name": "Chair", "reviews": None}
    assert response["errors"] == [
        {
            "message": "reviews are being moderated",
            "path": ["products", 1, "reviews"],
            "extensions": {"code": "FORBIDDEN", "serviceName": "reviews"},
        }
    ]


async def test_an_error_on_a_shared_representation_lands_on_every_object(run, canned) -> None:
    answer = SubgraphResponse(
        data={"_entities": [{"reviews": None}, {"reviews": []}]},
        errors=({"message": "nope", "path": ["_entities", 0, "reviews"]},),
    )
    response = await run(QUERY, PLAN, canned(products_then(answer)))
    assert [e["path"] for e in response["errors"]] == [
        ["products", 0, "reviews"],
        ["products", 2, "reviews"],
    ]


async def test_masked_subgraphs_hide_the_message_and_log_it(run, canned, caplog) -> None:
    policy = SubgraphErrorPolicy(modes={"reviews": ErrorMode.MASK})
    with caplog.at_level(logging.WARNING, logger="router.execution"):
        response = await run(QUERY, PLAN, canned(products_then(MODERATED)), error_policy=policy)
    assert response["errors"] == [
        {
            "message": "Subgraph errors redacted",
            "path": ["products", 1, "reviews"],
            "extensions": {"serviceName": "reviews", "code": "FORBIDDEN"},
        }
    ]
    assert "reviews are being moderated" in caplog.text


@pytest.mark.parametrize("code", [None, ""])
async def test_an_error_without_a_code_gets_the_downstream_code_like_apollo(
    run, canned, code
) -> None:
    answer = SubgraphResponse(
        data={"_entities": [{"reviews": []}, {"reviews": None}]},
        errors=(
            {
                "message": "",
                "path": ["_entities", 1, "reviews"],
                "extensions": {"code": code, "retryable": True},
            },
        ),
    )
    response = await run(QUERY, PLAN, canned(products_then(answer)))
    assert response["errors"] == [
        {
            "message": 'Error while fetching subquery from service "reviews"',
            "path": ["products", 1, "reviews"],
            "extensions": {
                "code": "DOWNSTREAM_SERVICE_ERROR",
                "retryable": True,
                "serviceName": "reviews",
            },
        }
    ]


async def test_a_masked_error_without_a_code_gets_the_downstream_code(run, canned) -> None:
    answer = SubgraphResponse(
        data={"_entities": [{"reviews": []}, {"reviews": None}]},
        errors=({"message": "secret", "path": ["_entities", 1, "reviews"]},),
    )
    policy = SubgraphErrorPolicy(default=ErrorMode.MASK)
    response = await run(QUERY, PLAN, canned(products_then(answer)), error_policy=policy)
    assert response["errors"] == [
        {
            "message": "Subgraph errors redacted",
            "path": ["products", 1, "reviews"],
            "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
        }
    ]


async def test_a_failed_fetch_nulls_only_what_depended_on_it(run, canned) -> None:
    failure = TransportError("reviews", "connection refused")
    response = await run(QUERY, PLAN, canned(products_then(failure)))
    assert response["data"] == {
        "products": [
            {"name": "Table", "reviews": None},
            {"name": "Chair", "reviews": None},
            {"name": "Table", "reviews": None},
        ]
    }
    assert response["errors"] == [
        {
            "message": "The reviews service is unavailable right now: try again shortly.",
            "path": ["products"],
            "extensions": {"code": "SUBGRAPH_UNAVAILABLE", "serviceName": "reviews"},
        }
    ]


async def test_an_error_from_a_real_subgraph_lands_at_the_client_path(run, catalog) -> None:
    # In the shop, reviews of product 3 raise; the field is nullable there and here.
    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("products", "{topProducts{__typename upc name}}"),
                FlattenNode(("topProducts", "@"), FetchNode("reviews", ENTITIES, requires=KEY)),
            )
        )
    )
    response = await run("{ topProducts { name reviews { body } } }", plan, catalog)
    assert response["data"]["topProducts"][2] == {"name": "Chair", "reviews": None}
    assert response["errors"] == [
        {
            "message": "reviews of Chair are hidden",
            "path": ["topProducts", 2, "reviews"],
            "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "reviews"},
        }
    ]


@pytest.mark.parametrize("entities", [None, [], [{"reviews": []}]])
async def test_a_malformed_entities_answer_is_one_error(run, canned, entities) -> None:
    answer = SubgraphResponse(data={"_entities": entities})
    response = await run(QUERY, PLAN, canned(products_then(answer)))
    assert [e["extensions"]["code"] for e in response["errors"]] == ["SUBREQUEST_HTTP_ERROR"]
    assert response["data"]["products"][0] == {"name": "Table", "reviews": None}
