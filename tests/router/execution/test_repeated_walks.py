"""A Flatten path walked again finds what merges since the first walk added.

The executor keeps each walk of a path for the next fetch at the same path
while no merge has changed the shape of the tree. These plans walk one path
twice, with a merge between that either adds only leaf fields (the walk
still holds, and the second fetch sees the new values) or adds objects under
the path (the walk must be done again).
"""

from __future__ import annotations

from typing import Any

from router.plan import (
    FetchNode,
    FlattenNode,
    QueryPlan,
    RequiredField,
    RequiredFragment,
    SequenceNode,
)
from router.transport import SubgraphRequest, SubgraphResponse
from tests.router.execution.test_entity_fetches import KEY as PRODUCT_KEY
from tests.router.execution.test_entity_fetches import KEY_AND_DIMENSIONS as PRODUCT_DIMENSIONS

ENTITIES = "query($representations:[_Any!]!){_entities(representations:$representations){%s}}"
REVIEW_KEY = (RequiredFragment("Review", (RequiredField("__typename"), RequiredField("id"))),)
ROOT = "{topProducts{__typename upc}}"


def at(path: tuple[str, ...], service: str, selection: str, requires: Any) -> FlattenNode:
    return FlattenNode(path, FetchNode(service, ENTITIES % selection, requires=requires))


async def answer(service_name: str, request: SubgraphRequest) -> SubgraphResponse:
    if request.query == ROOT:
        return SubgraphResponse(
            data={
                "topProducts": [
                    {"__typename": "Product", "upc": "1"},
                    {"__typename": "Product", "upc": "2"},
                ]
            }
        )
    representations = request.variables["representations"]
    entities: list[dict[str, Any]] = []
    for r in representations:
        if service_name == "products":
            entities.append({"price": 10 * int(r["upc"]), "weight": 2})
        elif service_name == "inventory":
            entities.append({"shippingEstimate": r["price"] // 10 + r["weight"]})
        elif "reviews" in request.query:
            entities.append({"reviews": [{"__typename": "Review", "id": f"r{r['upc']}"}]})
        else:
            entities.append({"body": f"body of {r['id']}"})
    return SubgraphResponse(data={"_entities": entities})


async def test_a_path_walked_again_after_leaf_fields_sees_their_values(run, canned) -> None:
    shipping = at(
        ("topProducts", "@"), "inventory", "...on Product{shippingEstimate}", PRODUCT_DIMENSIONS
    )
    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("products", ROOT),
                shipping,  # no price or weight yet: nothing to send
                at(("topProducts", "@"), "products", "...on Product{price weight}", PRODUCT_KEY),
                shipping,
            )
        )
    )
    transport = canned(answer)
    response = await run("{ topProducts { shippingEstimate } }", plan, transport)
    assert response == {"data": {"topProducts": [{"shippingEstimate": 3}, {"shippingEstimate": 4}]}}
    assert [service for service, _ in transport.sent] == ["products", "products", "inventory"]
    assert transport.sent[-1][1].variables["representations"] == [
        {"__typename": "Product", "upc": "1", "price": 10, "weight": 2},
        {"__typename": "Product", "upc": "2", "price": 20, "weight": 2},
    ]


async def test_a_path_walked_again_after_objects_were_added_under_it_finds_them(
    run, canned
) -> None:
    bodies = at(("topProducts", "@", "reviews", "@"), "reviews", "...on Review{body}", REVIEW_KEY)
    plan = QueryPlan(
        SequenceNode(
            (
                FetchNode("products", ROOT),
                bodies,  # no reviews yet: nothing at the path
                at(
                    ("topProducts", "@"),
                    "reviews",
                    "...on Product{reviews{__typename id}}",
                    PRODUCT_KEY,
                ),
                bodies,
            )
        )
    )
    transport = canned(answer)
    response = await run("{ topProducts { reviews { body } } }", plan, transport)
    assert response == {
        "data": {
            "topProducts": [
                {"reviews": [{"body": "body of r1"}]},
                {"reviews": [{"body": "body of r2"}]},
            ]
        }
    }
    assert transport.sent[-1][1].variables["representations"] == [
        {"__typename": "Review", "id": "r1"},
        {"__typename": "Review", "id": "r2"},
    ]
