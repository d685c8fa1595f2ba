"""``buyMembership``: a membership plan bought as an order like any other."""

from __future__ import annotations

import strawberry

from shared.graphql.ids import require_id
from subgraphs.commerce.catalogue import PlanId
from subgraphs.commerce.context import CommerceInfo
from subgraphs.commerce.graph.flash_sale import RequestIdArgument
from subgraphs.commerce.graph.orders import Order
from subgraphs.commerce.seckill import check_request_id


@strawberry.type
class MembershipMutation:
    @strawberry.mutation(description="Order a membership plan; pay the order to extend membership.")
    async def buy_membership(
        self, info: CommerceInfo, plan_id: strawberry.ID, request_id: RequestIdArgument
    ) -> Order:
        user = info.context.require_viewer()
        plan = require_id(plan_id, PlanId, field="planId")
        async with info.context.database.transaction() as session:
            view = await info.context.service.buy_membership(
                session, user, plan, check_request_id(request_id)
            )
        return Order.of(view)
