"""A two-subgraph graph whose requirement needs the requiring subgraph again (b → a → b).

``sizing`` lists ``crates``. ``warehouse`` computes each ``Crate``'s
``volume`` from its ``size``, which ``sizing`` owns (``@requires(fields:
"size")``); ``sizing`` computes ``size`` from ``count``, which only
``warehouse`` answers (``@requires(fields: "count")``). ``volume`` therefore
needs warehouse (``count``), then sizing (``size``), then warehouse again.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

COUNTS = {"c1": 3, "c2": 5}


@strawberry.federation.type(keys=["id"], name="Crate")
class StoredCrate:
    id: strawberry.ID
    count: int
    size: int = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["size"])
    def volume(self) -> int:
        return self.size * self.size

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, size: int | None = None) -> StoredCrate:
        return StoredCrate(id=id, count=COUNTS[id], size=size if size is not None else -1)


@strawberry.type
class WarehouseQuery:
    @strawberry.field
    def crate_count(self) -> int:
        return len(COUNTS)


@strawberry.federation.type(keys=["id"], name="Crate")
class SizedCrate:
    id: strawberry.ID
    count: int = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["count"])
    def size(self) -> int:
        return self.count * 10

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, count: int) -> SizedCrate:
        return SizedCrate(id=id, count=count)


@strawberry.type
class SizingQuery:
    @strawberry.field
    def crates(self) -> list[SizedCrate]:
        return [SizedCrate(id=strawberry.ID(id), count=-1) for id in COUNTS]


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "warehouse": federated_schema(WarehouseQuery, [StoredCrate]),
    "sizing": federated_schema(SizingQuery, [SizedCrate]),
}


def bounce_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
