"""A four-subgraph auction graph whose requirements are themselves required fields.

``listing`` serves the ``lot`` and whether it is ``discounted``; ``ledger``
keeps its ``reserve`` price, hidden from clients (``@inaccessible``).
``appraisal`` computes ``pricey`` from the reserve and ``priceyAfterDiscount``
from ``discounted``; ``bidding`` computes ``affordable`` from ``pricey`` and
``affordableAfterDiscount`` from ``priceyAfterDiscount``: each of bidding's
fields needs a field that needs another subgraph first, and the two chains
start from different subgraphs.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

LOT = "l1"
RESERVE = 1200
PRICEY_ABOVE = 1000
DISCOUNTED = True


@strawberry.federation.type(keys=["id"], name="Lot")
class ListedLot:
    id: strawberry.ID
    discounted: bool | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ListedLot:
        return ListedLot(id=id, discounted=DISCOUNTED)


@strawberry.type
class ListingQuery:
    @strawberry.field
    def lot(self) -> ListedLot:
        return ListedLot.resolve_reference(strawberry.ID(LOT))


@strawberry.federation.type(keys=["id"], name="Lot")
class LedgerLot:
    id: strawberry.ID
    reserve: int | None = strawberry.federation.field(inaccessible=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> LedgerLot:
        return LedgerLot(id=id, reserve=RESERVE)


@strawberry.federation.type(keys=["id"], name="Lot")
class AppraisedLot:
    id: strawberry.ID
    reserve: int | None = strawberry.federation.field(external=True, default=None)
    discounted: bool | None = strawberry.federation.field(external=True, default=None)

    @strawberry.federation.field(requires=["reserve"])
    def pricey(self) -> bool | None:
        assert self.reserve is not None, "reserve not sent"
        return self.reserve > PRICEY_ABOVE

    @strawberry.federation.field(requires=["discounted"])
    def pricey_after_discount(self) -> bool | None:
        assert self.discounted is not None, "discounted not sent"
        return not self.discounted

    @classmethod
    def resolve_reference(cls, **representation: Any) -> AppraisedLot:
        return AppraisedLot(**representation)


@strawberry.federation.type(keys=["id"], name="Lot")
class BiddingLot:
    id: strawberry.ID
    pricey: bool | None = strawberry.federation.field(external=True, default=None)
    pricey_after_discount: bool | None = strawberry.federation.field(external=True, default=None)

    @strawberry.federation.field(requires=["pricey"])
    def affordable(self) -> bool:
        assert self.pricey is not None, "pricey not sent"
        return not self.pricey

    @strawberry.federation.field(requires=["priceyAfterDiscount"])
    def affordable_after_discount(self) -> bool:
        assert self.pricey_after_discount is not None, "priceyAfterDiscount not sent"
        return not self.pricey_after_discount

    @classmethod
    def resolve_reference(
        cls,
        id: strawberry.ID,
        pricey: bool | None = None,
        priceyAfterDiscount: bool | None = None,
    ) -> BiddingLot:
        return BiddingLot(id=id, pricey=pricey, pricey_after_discount=priceyAfterDiscount)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "listing": federated_schema(ListingQuery, [ListedLot]),
    "ledger": federated_schema(None, [LedgerLot]),
    "appraisal": federated_schema(None, [AppraisedLot]),
    "bidding": federated_schema(None, [BiddingLot]),
}


def auction_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
