"""``@defer`` end to end: the shop subgraphs and our router over real HTTP, answered in parts.

The multipart body is read as a client would (:mod:`tests.router.multipart`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import SHOP_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.multipart import ACCEPT, parts
from tests.router.shop import shop_apps


@pytest.fixture(scope="module")
async def shop() -> AsyncIterator[Federation]:
    async with federation(shop_apps(), SHOP_SUPERGRAPH) as running:
        yield running


async def ask(shop: Federation, query: str, accept: str = ACCEPT) -> tuple[int, str, bytes]:
    response = await shop.client.post("/graphql", json={"query": query}, headers={"accept": accept})
    return response.status_code, response.headers["content-type"], response.content


async def test_a_deferred_fragment_from_another_subgraph_arrives_in_a_second_part(
    shop: Federation,
) -> None:
    query = (
        '{ product(upc: "1") { name ... @defer(label: "reviews") '
        "{ reviews { body author { name } } } } }"
    )
    status, content_type, body = await ask(shop, query)
    assert status == 200
    first, second = parts(content_type, body)
    assert first["hasNext"] is True
    assert set(first["data"]["product"]) == {"name"}
    assert second["hasNext"] is False
    (item,) = second["incremental"]
    assert item["path"] == ["product"]
    assert item["label"] == "reviews"
    assert set(item["data"]) == {"reviews"}
    whole = await shop.ask(query.replace('@defer(label: "reviews")', ""))
    assert {**first["data"]["product"], **item["data"]} == whole.body["data"]["product"]


async def test_deferred_fragments_in_a_list_give_one_item_per_object(shop: Federation) -> None:
    query = "{ topProducts(first: 2) { upc ... @defer { name price } } }"
    _, content_type, body = await ask(shop, query)
    first, second = parts(content_type, body)
    upcs = [p["upc"] for p in first["data"]["topProducts"]]
    assert [item["path"] for item in second["incremental"]] == [
        ["topProducts", index] for index in range(len(upcs))
    ]
    assert all(set(item["data"]) == {"name", "price"} for item in second["incremental"])


async def test_without_multipart_in_accept_a_deferred_query_is_refused_as_apollo_does(
    shop: Federation,
) -> None:
    status, _, body = await ask(
        shop, '{ product(upc: "1") { name ... @defer { price } } }', accept="application/json"
    )
    assert status == 406
    (error,) = json.loads(body)["errors"]
    assert error["extensions"]["code"] == "DEFER_BAD_HEADER"


async def test_a_defer_switched_on_by_a_variables_default_is_deferred(shop: Federation) -> None:
    query = 'query($d: Boolean! = true) { product(upc: "1") { name ... @defer(if: $d) { price } } }'
    _, content_type, body = await ask(shop, query)
    first, second = parts(content_type, body)
    assert set(first["data"]["product"]) == {"name"}
    assert set(second["incremental"][0]["data"]) == {"price"}
    status, _, _ = await ask(shop, query, accept="application/json")
    assert status == 406


async def test_a_query_without_active_defer_is_plain_json_for_a_multipart_client(
    shop: Federation,
) -> None:
    status, content_type, body = await ask(
        shop, '{ product(upc: "1") { name ... @defer(if: false) { price } } }'
    )
    assert status == 200
    assert content_type.startswith("application/json")
    assert set(json.loads(body)["data"]["product"]) == {"name", "price"}


async def test_a_mutation_runs_first_and_its_deferred_fragment_follows(shop: Federation) -> None:
    query = (
        'mutation { addReview(upc: "1", body: "Sturdy.") { body ... @defer { product { name } } } }'
    )
    _, content_type, body = await ask(shop, query)
    first, second = parts(content_type, body)
    assert first["data"] == {"addReview": {"body": "Sturdy."}}
    (item,) = second["incremental"]
    assert item["path"] == ["addReview"]
    assert set(item["data"]["product"]) == {"name"}
