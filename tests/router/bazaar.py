"""Three subgraphs sharing root fields of a value type, each answering its own part of it.

``Query.stall`` and ``Query.stalls`` are shareable in ``signs``, ``floorplan``
and ``tills``; ``Stall`` has no key, only its ``id`` is shared, and each
subgraph alone has one field of it (``sign``, ``aisle``, ``till``). No
entity fetch can join them: the router asks each subgraph's root field for
its part and merges the answers (lists item by item).
"""

from __future__ import annotations

from typing import Any, ClassVar

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

STALL_ID = strawberry.ID("st-1")


@strawberry.type
class Sign:
    id: strawberry.ID
    text: str


@strawberry.type(name="Stall")
class SignedStall:
    id: strawberry.ID = strawberry.federation.field(shareable=True)
    sign: Sign


@strawberry.type
class SignsQuery:
    ONE: ClassVar[SignedStall] = SignedStall(id=STALL_ID, sign=Sign(id=STALL_ID, text="Fresh figs"))

    @strawberry.federation.field(shareable=True)
    def stall(self) -> SignedStall:
        return SignsQuery.ONE

    @strawberry.federation.field(shareable=True)
    def stalls(self) -> list[SignedStall]:
        return [SignsQuery.ONE]


@strawberry.type
class Aisle:
    id: strawberry.ID
    number: int


@strawberry.type(name="Stall")
class PlacedStall:
    id: strawberry.ID = strawberry.federation.field(shareable=True)
    aisle: Aisle


@strawberry.type
class AislesQuery:
    ONE: ClassVar[PlacedStall] = PlacedStall(id=STALL_ID, aisle=Aisle(id=STALL_ID, number=4))

    @strawberry.federation.field(shareable=True)
    def stall(self) -> PlacedStall:
        return AislesQuery.ONE

    @strawberry.federation.field(shareable=True)
    def stalls(self) -> list[PlacedStall]:
        return [AislesQuery.ONE]


@strawberry.type
class Till:
    id: strawberry.ID
    cents: int
    currency: str


@strawberry.type(name="Stall")
class PayingStall:
    id: strawberry.ID = strawberry.federation.field(shareable=True)
    till: Till


@strawberry.type
class TillsQuery:
    ONE: ClassVar[PayingStall] = PayingStall(
        id=STALL_ID, till=Till(id=STALL_ID, cents=250, currency="EUR")
    )

    @strawberry.federation.field(shareable=True)
    def stall(self) -> PayingStall:
        return TillsQuery.ONE

    @strawberry.federation.field(shareable=True)
    def stalls(self) -> list[PayingStall]:
        return [TillsQuery.ONE]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "signs": federated_schema(SignsQuery, []),
    "floorplan": federated_schema(AislesQuery, []),
    "tills": federated_schema(TillsQuery, []),
}


def bazaar_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
