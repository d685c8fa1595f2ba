"""A four-subgraph graph whose entity keys hold lists and nested entities.

``PickList`` is keyed by a list: ``items { id }`` in ``listings`` (which
answers ``topPicks``), ``items { id gid }`` in ``lists`` and ``items { id
gid maker { id tag } } chosen { id }`` in ``prices``. ``Gadget`` is keyed by
``id`` in ``listings`` and ``links`` (which alone turns an ``id`` into a
``gid``), by ``id gid`` in ``links`` and ``lists``, and by ``id gid maker {
id tag }`` in ``prices``, which alone knows its ``cost``. ``Maker.flagship``
points back at a gadget. ``first`` and ``chosen`` are shareable between
``lists`` and ``prices``.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

# gadget id -> (gid, maker id, cost)
GADGETS = {"g1": ("gid-1", "m1", 100.0), "g2": ("gid-2", "m2", 250.5)}
# maker id -> (tag, flagship gadget id)
MAKERS = {"m1": ("tools", "g1"), "m2": ("toys", "g2")}


def _ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items if item["id"] in GADGETS]


# listings ----------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="Maker")
class ListedMaker:
    id: strawberry.ID
    tag: str | None = strawberry.federation.field(shareable=True)

    @strawberry.federation.field(shareable=True)
    def flagship(self) -> ListedGadget:
        return ListedGadget(id=strawberry.ID(MAKERS[self.id][1]))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ListedMaker:
        return ListedMaker(id=id, tag=MAKERS[id][0])


@strawberry.federation.type(keys=["id"], extend=True, name="Gadget")
class ListedGadget:
    id: strawberry.ID = strawberry.federation.field(external=True)

    @strawberry.federation.field(shareable=True)
    def maker(self) -> ListedMaker | None:
        return ListedMaker.resolve_reference(strawberry.ID(GADGETS[self.id][1]))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> ListedGadget:
        return ListedGadget(id=id)


@strawberry.federation.type(keys=["items { id }"], name="PickList")
class ListedPickList:
    items: list[ListedGadget]

    @classmethod
    def resolve_reference(cls, items: list[dict[str, Any]]) -> ListedPickList:
        return ListedPickList(items=[ListedGadget(id=strawberry.ID(id)) for id in _ids(items)])


@strawberry.type
class ListingsQuery:
    @strawberry.field
    def top_picks(self) -> ListedPickList:
        return ListedPickList(items=[ListedGadget(id=strawberry.ID(id)) for id in GADGETS])


# links -------------------------------------------------------------------------


@strawberry.federation.type(keys=["id", "id gid"], name="Gadget")
class LinkedGadget:
    id: strawberry.ID
    gid: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> LinkedGadget | None:
        return LinkedGadget(id=id, gid=strawberry.ID(GADGETS[id][0])) if id in GADGETS else None


# lists -------------------------------------------------------------------------


@strawberry.federation.type(keys=["id gid"], name="Gadget")
class PairedGadget:
    id: strawberry.ID
    gid: strawberry.ID | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, gid: strawberry.ID) -> PairedGadget | None:
        return PairedGadget(id=id, gid=gid) if GADGETS.get(id, ("",))[0] == gid else None


@strawberry.federation.type(keys=["items { id gid }"], name="PickList")
class PairedPickList:
    items: list[PairedGadget]
    first: PairedGadget | None = strawberry.federation.field(shareable=True)
    chosen: PairedGadget | None = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, items: list[dict[str, Any]]) -> PairedPickList:
        found = [
            PairedGadget(id=strawberry.ID(id), gid=strawberry.ID(GADGETS[id][0]))
            for id in _ids(items)
        ]
        return PairedPickList(items=found, first=found[0], chosen=found[-1])


# prices ------------------------------------------------------------------------


@strawberry.type
class Cost:
    amount: float


@strawberry.federation.type(keys=["id tag"], name="Maker")
class TaggedMaker:
    id: strawberry.ID
    tag: str | None

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> TaggedMaker:
        return TaggedMaker(id=id, tag=MAKERS[id][0])


@strawberry.federation.type(keys=["id gid maker { id tag }"], name="Gadget")
class PricedGadget:
    id: strawberry.ID
    gid: strawberry.ID | None

    @strawberry.field
    def cost(self) -> Cost | None:
        return Cost(amount=GADGETS[self.id][2])

    @strawberry.federation.field(shareable=True)
    def maker(self) -> TaggedMaker | None:
        return TaggedMaker.resolve_reference(strawberry.ID(GADGETS[self.id][1]))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, gid: strawberry.ID, **_: Any) -> PricedGadget:
        return PricedGadget(id=id, gid=gid)


def _priced(id: str) -> PricedGadget:
    return PricedGadget(id=strawberry.ID(id), gid=strawberry.ID(GADGETS[id][0]))


@strawberry.federation.type(
    keys=["items { id gid maker { id tag } } chosen { id }"], name="PickList"
)
class PricedPickList:
    items: list[PricedGadget]
    first: PricedGadget | None = strawberry.federation.field(shareable=True)
    chosen: PricedGadget | None = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(
        cls, items: list[dict[str, Any]], chosen: dict[str, Any]
    ) -> PricedPickList:
        found = [_priced(id) for id in _ids(items)]
        return PricedPickList(items=found, first=found[0], chosen=_priced(chosen["id"]))


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "listings": federated_schema(ListingsQuery, [ListedPickList, ListedGadget, ListedMaker]),
    "links": federated_schema(None, [LinkedGadget]),
    "lists": federated_schema(None, [PairedPickList, PairedGadget]),
    "prices": federated_schema(None, [PricedPickList, PricedGadget, TaggedMaker, Cost]),
}


def stall_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
