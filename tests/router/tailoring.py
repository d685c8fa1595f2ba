"""A three-subgraph tailoring graph: a required list of entities that is itself required.

``accounts`` serves the ``customer`` and its names. ``fitting`` lists the
customer's ``garments`` (entities), which requires ``lastName``.
``billing`` refers to garments by key only (``resolvable: false``) and
computes ``garmentCount`` and ``garmentCodes`` from ``garments { id }``: both
need fitting's list, which needs accounts first.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation.schema_directives import Key
from strawberry.federation.types import FieldSet

from tests.router.subgraph_apps import asgi_apps, federated_schema

CUSTOMER = "u1"
FIRST_NAME = "Ada"
LAST_NAME = "Byron"
GARMENTS_PER_CUSTOMER = 2


@strawberry.federation.type(keys=["id"], name="Customer")
class AccountCustomer:
    id: strawberry.ID
    first_name: str
    last_name: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> AccountCustomer:
        return AccountCustomer(id=id, first_name=FIRST_NAME, last_name=LAST_NAME)


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def customer(self) -> AccountCustomer:
        return AccountCustomer.resolve_reference(strawberry.ID(CUSTOMER))


@strawberry.federation.type(keys=["id"])
class Garment:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Customer")
class FittedCustomer:
    id: strawberry.ID
    last_name: str = strawberry.federation.field(external=True)

    @strawberry.federation.field(requires=["lastName"])
    def garments(self) -> list[Garment] | None:
        return [
            Garment(id=strawberry.ID(f"{self.last_name}-{n}"))
            for n in range(1, GARMENTS_PER_CUSTOMER + 1)
        ]

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, lastName: str = "") -> FittedCustomer:
        assert lastName, "lastName not sent"
        return FittedCustomer(id=id, last_name=lastName)


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)], name="Garment")
class BilledGarment:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="Customer")
class BilledCustomer:
    id: strawberry.ID
    sent: strawberry.Private[list[dict[str, Any]]]

    @strawberry.federation.field(external=True)
    def garments(self) -> list[BilledGarment] | None:
        return None

    @strawberry.federation.field(requires=["garments { id }"])
    def garment_count(self) -> int | None:
        return len(self.sent)

    @strawberry.federation.field(requires=["garments { id }"])
    def garment_codes(self) -> str | None:
        return ",".join(garment["id"] for garment in self.sent)

    @classmethod
    def resolve_reference(
        cls, id: strawberry.ID, garments: list[dict[str, Any]] | None = None
    ) -> BilledCustomer:
        assert isinstance(garments, list), "garments not sent"
        return BilledCustomer(id=id, sent=garments)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "accounts": federated_schema(AccountsQuery, [AccountCustomer]),
    "fitting": federated_schema(None, [FittedCustomer, Garment]),
    "billing": federated_schema(None, [BilledCustomer, BilledGarment]),
}


def tailoring_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
