"""A two-subgraph graph for ``@authenticated``, ``@requiresScopes`` and ``@policy``, written with strawberry.federation.

``accounts`` owns ``User`` (``email`` needs ``read:email``; the non-null
``phone`` needs ``read:phone`` and ``read:private``, or ``admin``; ``notes``
needs the scope ``read:private`` and the policy ``support``), the
``@authenticated`` type ``Secret``, the ``@policy(policies: [["clearance"]])``
type ``Dossier``, the interface ``Thing`` whose implementations differ
(``Secret`` is authenticated, ``Gadget`` is not, so composition makes
``Thing`` authenticated) and the union ``Finding`` of both; ``Gadget`` is an
entity. ``billing`` adds ``User.balance`` (``@authenticated``),
``User.salary`` (policy ``hr``, or both ``payroll`` and ``audit``),
``User.plan`` and ``Gadget.price`` (public), so a plan asking for a price
fetches the gadget's ``id`` as its key whatever the client selected, and
streams ``ticks`` (public) and ``alarms`` (``@authenticated``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.asgi import GraphQL

USERS = {"u1": "Ada", "u2": "Grace"}


@strawberry.federation.interface
class Thing:
    id: strawberry.ID


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    name: str
    email: str | None = strawberry.federation.field(requires_scopes=[["read:email"]])
    phone: str = strawberry.federation.field(
        requires_scopes=[["read:phone", "read:private"], ["admin"]]
    )
    notes: str | None = strawberry.federation.field(
        requires_scopes=[["read:private"]], policy=[["support"]]
    )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        return _user(id)


@strawberry.federation.type(authenticated=True)
class Secret(Thing):
    code: str


@strawberry.federation.type(keys=["id"])
class Gadget(Thing):
    label: str

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Gadget:
        return Gadget(id=id, label="lamp")


Finding = Annotated[Gadget | Secret, strawberry.union("Finding")]


@strawberry.federation.type(policy=[["clearance"]])
class Dossier:
    summary: str


def _user(id: str) -> User:
    name = USERS[id]
    return User(
        id=strawberry.ID(id),
        name=name,
        email=f"{name.lower()}@example.com",
        phone=f"+1-{id}",
        notes=f"{name} called support",
    )


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def users(self) -> list[User]:
        return [_user(id) for id in USERS]

    @strawberry.federation.field(authenticated=True)
    def me(self) -> User | None:
        return _user("u1")

    @strawberry.field
    def secret(self) -> Secret | None:
        return Secret(id=strawberry.ID("s1"), code="0000")

    @strawberry.field
    def things(self) -> list[Thing]:
        return [
            Gadget(id=strawberry.ID("g1"), label="lamp"),
            Secret(id=strawberry.ID("s1"), code="0000"),
        ]

    @strawberry.field
    def gadget(self) -> Gadget | None:
        return Gadget(id=strawberry.ID("g1"), label="lamp")

    @strawberry.field
    def findings(self) -> list[Finding | None] | None:
        return [
            Gadget(id=strawberry.ID("g1"), label="lamp"),
            Secret(id=strawberry.ID("s1"), code="0000"),
        ]

    @strawberry.field
    def motto(self) -> str:
        return "open by default"

    @strawberry.field
    def dossier(self) -> Dossier | None:
        return Dossier(summary="classified")


@strawberry.federation.type(keys=["id"], name="User")
class BilledUser:
    id: strawberry.ID
    balance: int | None = strawberry.federation.field(authenticated=True, default=None)
    salary: int | None = strawberry.federation.field(
        policy=[["hr"], ["payroll", "audit"]], default=None
    )
    plan: str = "free"

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> BilledUser:
        return BilledUser(id=id, balance=len(id) * 100, salary=len(id) * 1000)


@strawberry.federation.type(keys=["id"], name="Gadget")
class PricedGadget:
    id: strawberry.ID
    price: int

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> PricedGadget:
        return PricedGadget(id=id, price=len(id) * 5)


@strawberry.type
class BillingQuery:
    @strawberry.field
    def currency(self) -> str:
        return "EUR"


@strawberry.type
class BillingSubscription:
    @strawberry.subscription
    async def ticks(self, count: int = 2) -> AsyncGenerator[int, None]:
        for tick in range(count):
            yield tick
            await asyncio.sleep(0)

    @strawberry.federation.field(authenticated=True, is_subscription=True)
    async def alarms(self, count: int = 2) -> AsyncGenerator[str, None]:
        for tick in range(count):
            yield f"alarm {tick}"
            await asyncio.sleep(0)


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "accounts": strawberry.federation.Schema(
        query=AccountsQuery, types=[User, Secret, Gadget, Thing, Dossier], federation_version="2.7"
    ),
    "billing": strawberry.federation.Schema(
        query=BillingQuery,
        subscription=BillingSubscription,
        types=[BilledUser, PricedGadget],
        federation_version="2.7",
    ),
}


def vault_apps() -> dict[str, Any]:
    return {name: GraphQL(schema) for name, schema in SCHEMAS.items()}
