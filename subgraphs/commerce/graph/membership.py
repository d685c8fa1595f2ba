"""Membership types: a member's ``Membership`` and the ``MembershipPlan`` that buys one."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.commerce.catalogue import PlanView
from subgraphs.commerce.service import MembershipView


@strawberry.type(description="A member's current membership.")
class Membership:
    tier: str
    expires_at: datetime

    @classmethod
    def of(cls, view: MembershipView) -> Membership:
        return cls(tier=view.tier, expires_at=view.expires_at)


@strawberry.type(description="A membership that can be bought; buying one is an order.")
class MembershipPlan:
    id: strawberry.ID
    tier: str
    name: str
    price: int = strawberry.field(description="In minor units of `currency`.")
    currency: str
    days: int = strawberry.field(description="Days added to the membership once paid.")

    @classmethod
    def of(cls, view: PlanView) -> MembershipPlan:
        return cls(
            id=strawberry.ID(str(view.id)),
            tier=view.tier,
            name=view.name,
            price=view.price,
            currency=view.currency,
            days=view.days,
        )
