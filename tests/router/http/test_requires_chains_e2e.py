"""Requirements that are themselves required fields, end to end over real HTTP.

The auction graph (:mod:`tests.router.auction`): ``affordable`` needs
``pricey``, which needs the inaccessible ``reserve``; ``affordableAfterDiscount``
needs ``priceyAfterDiscount``, which needs ``discounted`` from the entry
subgraph. Each link of a chain waits for the one before it; chains share hops
where they can. The tailoring graph (:mod:`tests.router.tailoring`): two
fields require ``garments { id }``, a list of entities that requires
``lastName`` from the entry subgraph.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.router.auction import auction_apps
from tests.router.http.compose import AUCTION_SUPERGRAPH, TAILORING_SUPERGRAPH
from tests.router.http.live_federation import Federation, federation
from tests.router.tailoring import tailoring_apps


@pytest.fixture(scope="module")
async def auction() -> AsyncIterator[Federation]:
    async with federation(auction_apps(), AUCTION_SUPERGRAPH) as running:
        yield running


@pytest.fixture(scope="module")
async def tailoring() -> AsyncIterator[Federation]:
    async with federation(tailoring_apps(), TAILORING_SUPERGRAPH) as running:
        yield running


async def test_a_requirement_that_needs_a_hidden_one(auction: Federation) -> None:
    answer = await auction.ask("{ lot { affordable } }")
    assert answer.body == {"data": {"lot": {"affordable": False}}}
    assert answer.asked.services() == ["listing", "ledger", "appraisal", "bidding"]
    assert answer.asked.to("appraisal")[0].representations == [
        {"__typename": "Lot", "id": "l1", "reserve": 1200}
    ]
    assert answer.asked.to("bidding")[0].representations == [
        {"__typename": "Lot", "id": "l1", "pricey": True}
    ]


async def test_the_middle_of_the_chain_alone(auction: Federation) -> None:
    answer = await auction.ask("{ lot { pricey } }")
    assert answer.body == {"data": {"lot": {"pricey": True}}}
    assert answer.asked.services() == ["listing", "ledger", "appraisal"]


async def test_the_middle_and_the_end_of_the_chain(auction: Federation) -> None:
    answer = await auction.ask("{ lot { pricey affordable } }")
    assert answer.body == {"data": {"lot": {"pricey": True, "affordable": False}}}
    assert answer.asked.services() == ["listing", "ledger", "appraisal", "bidding"]


async def test_a_chain_from_the_entry_subgraph(auction: Federation) -> None:
    answer = await auction.ask("{ lot { affordableAfterDiscount } }")
    assert answer.body == {"data": {"lot": {"affordableAfterDiscount": True}}}
    assert answer.asked.services() == ["listing", "appraisal", "bidding"]
    assert answer.asked.to("appraisal")[0].representations == [
        {"__typename": "Lot", "id": "l1", "discounted": True}
    ]


async def test_two_chains_at_once(auction: Federation) -> None:
    answer = await auction.ask("{ lot { affordable affordableAfterDiscount } }")
    assert answer.body == {"data": {"lot": {"affordable": False, "affordableAfterDiscount": True}}}
    assert answer.asked.services() == ["listing", "ledger", "appraisal", "bidding"]
    assert answer.asked.to("bidding")[0].representations == [
        {"__typename": "Lot", "id": "l1", "pricey": True, "priceyAfterDiscount": False}
    ]


async def test_a_required_list_of_entities_that_is_itself_required(
    tailoring: Federation,
) -> None:
    answer = await tailoring.ask("{ customer { garmentCount garmentCodes } }")
    assert answer.body == {
        "data": {"customer": {"garmentCount": 2, "garmentCodes": "Byron-1,Byron-2"}}
    }
    assert answer.asked.services() == ["accounts", "fitting", "billing"]
    assert answer.asked.to("fitting")[0].representations == [
        {"__typename": "Customer", "id": "u1", "lastName": "Byron"}
    ]
    assert answer.asked.to("billing")[0].representations == [
        {"__typename": "Customer", "id": "u1", "garments": [{"id": "Byron-1"}, {"id": "Byron-2"}]}
    ]


async def test_the_required_list_asked_too(tailoring: Federation) -> None:
    answer = await tailoring.ask("{ customer { garments { id } garmentCodes } }")
    assert answer.body == {
        "data": {
            "customer": {
                "garments": [{"id": "Byron-1"}, {"id": "Byron-2"}],
                "garmentCodes": "Byron-1,Byron-2",
            }
        }
    }
    assert answer.asked.services() == ["accounts", "fitting", "billing"]
