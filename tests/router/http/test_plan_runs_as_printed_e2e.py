"""The plan the router prints is the plan it runs: one printed Fetch per subgraph request.

The shop subgraphs over real HTTP, each logging what it is asked; the plan
comes back in ``extensions.queryPlan`` (``Beyond-Query-Plan: true``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.http.compose import SHOP_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.shop import shop_apps

PLAN_HEADER = {"beyond-query-plan": "true"}


@pytest.fixture(scope="module")
async def shop() -> AsyncIterator[Federation]:
    async with federation(shop_apps(), SHOP_SUPERGRAPH) as running:
        yield running


async def test_the_same_hop_at_two_paths_is_one_printed_fetch_and_one_request(
    shop: Federation,
) -> None:
    answer = await shop.ask(
        '{ topProducts(first: 2) { upc reviews { body } } product(upc: "1") '
        "{ upc reviews { body } } }",
        headers=PLAN_HEADER,
    )
    printed = answer.body["extensions"]["queryPlan"]
    assert 'Flatten(paths: ["topProducts.@", "product"])' in printed
    assert printed.count("Fetch(") == len(answer.asked.calls) == 2
    (reviews,) = [c for c in answer.asked.calls if c.service == "reviews"]
    upcs = [r["upc"] for r in reviews.representations]
    assert sorted(upcs) == sorted(set(upcs))  # each product once, whichever path reached it
    top = answer.body["data"]["topProducts"]
    assert {p["upc"] for p in top} | {"1"} == set(upcs)
    assert "errors" not in answer.body


async def test_each_branch_of_a_plan_without_shared_hops_is_its_own_request(
    shop: Federation,
) -> None:
    answer = await shop.ask(
        '{ topProducts(first: 2) { reviews { body } } product(upc: "1") { inStock } }',
        headers=PLAN_HEADER,
    )
    printed = answer.body["extensions"]["queryPlan"]
    assert "paths:" not in printed
    assert printed.count("Fetch(") == len(answer.asked.calls)
