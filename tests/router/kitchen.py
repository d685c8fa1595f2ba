"""A two-subgraph graph where a type implements interfaces in one subgraph only.

``counter`` lists ``appliances`` (a union of ``Kettle`` and ``Grill``) and
``machines`` (the interface ``Machine``); there only ``Kettle`` implements
``Machine`` and ``Guaranteed``. In ``service`` ``Grill`` implements both,
so in the supergraph a grill is a ``Machine``: ``... on Machine`` on an
appliance must not be sent to ``counter`` as is (it would drop the grills'
ids). ``counter`` cannot answer a ``Machine`` that is a grill at all.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

KETTLES = {"kettle-1": 2, "kettle-2": 5}
GRILLS = {"grill-1": 1, "grill-2": 3}


@strawberry.interface(name="Machine")
class CounterMachine:
    id: strawberry.ID


@strawberry.interface(name="Guaranteed")
class CounterGuaranteed:
    years: int | None


@strawberry.federation.type(keys=["id"])
class Kettle(CounterMachine, CounterGuaranteed):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Kettle:
        return Kettle(id=id, years=KETTLES[id])


@strawberry.federation.type(keys=["id"], name="Grill")
class CounterGrill:
    id: strawberry.ID

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> CounterGrill:
        return CounterGrill(id=id)


Appliance = Annotated[Kettle | CounterGrill, strawberry.union("Appliance")]


def _kettles() -> list[Kettle]:
    return [Kettle(id=strawberry.ID(id), years=years) for id, years in KETTLES.items()]


@strawberry.type
class CounterQuery:
    @strawberry.field
    def appliances(self) -> list[Appliance | None]:
        return [CounterGrill(id=strawberry.ID(id)) for id in GRILLS] + list(_kettles())

    @strawberry.field
    def machines(self) -> list[CounterMachine | None]:
        return list(_kettles())

    @strawberry.field
    def machine(self, id: strawberry.ID) -> CounterMachine | None:
        if id in GRILLS:  # counter does not know a grill is a Machine
            return CounterGrill(id=id)  # type: ignore[return-value]
        return Kettle.resolve_reference(id) if id in KETTLES else None


@strawberry.interface
class Machine:
    id: strawberry.ID


@strawberry.interface
class Guaranteed:
    years: int | None


@strawberry.federation.type(keys=["id"])
class Grill(Machine, Guaranteed):
    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Grill:
        return Grill(id=id, years=GRILLS[id])


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "counter": federated_schema(CounterQuery, [Kettle, CounterGrill]),
    "service": federated_schema(None, [Grill, Machine, Guaranteed]),
}


def kitchen_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
