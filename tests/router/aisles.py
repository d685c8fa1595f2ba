"""A three-subgraph graph where a value type's field is reachable only through its parent entity.

``catalog`` lists items (keyed by ``id`` and by ``id sku``), each on a
``Shelf`` (an entity keyed by ``id`` in ``catalog`` and ``stock``).
``layout`` knows ``Shelf`` only as a value type under ``Item.shelf``
(shareable everywhere) and alone has ``Shelf.details``: the router must
go back to ``layout`` through the item (``id sku``), not through the
shelf, which ``layout`` cannot resolve.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

# item id -> (sku, shelf id)
ITEMS = {"i1": ("sku-1", "s1"), "i2": ("sku-2", "s2"), "i3": ("sku-3", "s1")}
SHELVES = {"s1": ("Top shelf", 8), "s2": ("Bottom shelf", 3)}


@strawberry.federation.type(keys=["id"])
class Shelf:
    id: strawberry.ID
    label: str = strawberry.federation.field(shareable=True)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Shelf:
        return Shelf(id=id, label=SHELVES[id][0])


def _shelf(item: str) -> Shelf:
    return Shelf.resolve_reference(strawberry.ID(ITEMS[item][1]))


@strawberry.federation.type(keys=["id", "id sku"])
class Item:
    id: strawberry.ID
    sku: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def shelf(self) -> Shelf | None:
        return _shelf(self.id)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> Item:
        return Item(id=id, sku=strawberry.ID(ITEMS[id][0]))


@strawberry.type
class CatalogQuery:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item.resolve_reference(strawberry.ID(id)) for id in ITEMS]


@strawberry.federation.type(keys=["id sku"], name="Item")
class StockedItem:
    id: strawberry.ID
    sku: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def shelf(self) -> Shelf | None:
        return _shelf(self.id)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, sku: strawberry.ID) -> StockedItem:
        return StockedItem(id=id, sku=sku)


@strawberry.type
class ShelfDetails:
    slots: int | None


@strawberry.type(name="Shelf")
class LaidOutShelf:
    details: ShelfDetails | None


@strawberry.federation.type(keys=["id sku"], name="Item")
class LaidOutItem:
    id: strawberry.ID
    sku: strawberry.ID

    @strawberry.federation.field(shareable=True)
    def shelf(self) -> LaidOutShelf | None:
        return LaidOutShelf(details=ShelfDetails(slots=SHELVES[ITEMS[self.id][1]][1]))

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, sku: strawberry.ID) -> LaidOutItem:
        return LaidOutItem(id=id, sku=sku)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "catalog": federated_schema(CatalogQuery, [Item, Shelf]),
    "stock": federated_schema(None, [StockedItem, Shelf]),
    "layout": federated_schema(None, [LaidOutItem]),
}


def aisle_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
