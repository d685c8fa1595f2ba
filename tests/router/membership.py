"""A three-subgraph membership graph for ``@inaccessible``, written with strawberry.federation.

``accounts`` owns ``User`` with an internal member ``code`` that clients must
not see (``@inaccessible``), an inaccessible ``audit`` of the inaccessible
type ``Audit``, a ``Tier`` enum whose value ``STAFF`` is inaccessible, and a
``users`` argument ``includeStaff`` that is inaccessible. ``badges`` knows
users only by that hidden ``code`` (its key); ``scores`` computes ``score``
from it (``@requires(fields: "code")``). The router must hide every
inaccessible element from clients and still use ``code`` for the key and the
requirement.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any

import strawberry

from tests.router.subgraph_apps import asgi_apps, federated_schema

USERS = {
    "u1": ("Ada", "A-7", "FREE"),
    "u2": ("Alan", "B-3", "PRO"),
    "u3": ("Root", "Z-1", "STAFF"),
}
BADGES = {"A-7": "gold", "B-3": "silver", "Z-1": "none"}


# accounts ---------------------------------------------------------------------


@strawberry.federation.enum
class Tier(enum.Enum):
    FREE = "FREE"
    PRO = "PRO"
    STAFF = strawberry.federation.enum_value("STAFF", inaccessible=True)


@strawberry.federation.type(inaccessible=True)
class Audit:
    note: str


@strawberry.federation.type(keys=["id"])
class User:
    id: strawberry.ID
    code: str = strawberry.federation.field(inaccessible=True, shareable=True)
    name: str
    tier: Tier

    @strawberry.federation.field(inaccessible=True)
    def audit(self) -> Audit:
        return Audit(note=f"{self.name} signed in")

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> User:
        name, code, tier = USERS[id]
        return User(id=id, code=code, name=name, tier=Tier(tier))


@strawberry.type
class AccountsQuery:
    @strawberry.field
    def users(
        self,
        tier: Tier | None = None,
        include_staff: Annotated[bool, strawberry.federation.argument(inaccessible=True)] = False,
    ) -> list[User]:
        found = [User.resolve_reference(strawberry.ID(i)) for i in USERS]
        return [
            user
            for user in found
            if (tier is None or user.tier is tier)
            and (include_staff or user.tier is not Tier.STAFF)
        ]


# badges -----------------------------------------------------------------------


@strawberry.federation.type(keys=["code"], name="User")
class BadgeHolder:
    code: str = strawberry.federation.field(inaccessible=True, shareable=True)

    @strawberry.field
    def badge(self) -> str:
        return BADGES[self.code]

    @classmethod
    def resolve_reference(cls, code: str) -> BadgeHolder:
        return BadgeHolder(code=code)


@strawberry.type
class BadgesQuery:
    @strawberry.field
    def badge_count(self) -> int:
        return len(BADGES)


# scores -----------------------------------------------------------------------


@strawberry.federation.type(keys=["id"], name="User")
class ScoredUser:
    id: strawberry.ID
    code: str = strawberry.federation.field(external=True, default="")

    @strawberry.federation.field(requires=["code"])
    def score(self) -> int:
        # "A-7" scores 70: the code arrives in the representation (the @requires).
        return int(self.code.split("-")[1]) * 10

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, code: str = "") -> ScoredUser:
        return ScoredUser(id=id, code=code)


@strawberry.type
class ScoresQuery:
    @strawberry.field
    def top_score(self) -> int:
        return 100


SCHEMAS: dict[str, strawberry.federation.Schema] = {
    "accounts": federated_schema(AccountsQuery, [User]),
    "badges": federated_schema(BadgesQuery, [BadgeHolder]),
    "scores": federated_schema(ScoresQuery, [ScoredUser]),
}


def membership_apps() -> dict[str, Any]:
    return asgi_apps(SCHEMAS)
