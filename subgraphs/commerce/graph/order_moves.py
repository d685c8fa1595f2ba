"""Moving an order: the buyer cancels or confirms receipt, a merchant ships or refunds.

The merchant's mutations need a token scope; the router enforces it with
``@requiresScopes`` and :func:`require_scope` checks it again for a request
reaching the service directly.
"""

from __future__ import annotations

import strawberry

from shared.errors import BadUserInput, Forbidden
from shared.graphql.ids import require_id
from subgraphs.commerce.context import CommerceInfo
from subgraphs.commerce.graph.orders import Order
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.orders import Transition

SHIP_SCOPE = "orders:ship"
REFUND_SCOPE = "orders:refund"


def order_key(raw: strawberry.ID, field: str = "orderId") -> OrderId:
    return require_id(raw, OrderId, field=field)


def require_scope(info: CommerceInfo, scope: str) -> None:
    claims = info.context.claims
    if claims is None or scope not in claims.scopes:
        raise Forbidden(f"This needs a merchant token with the scope {scope}.")


def _moved(moved: Transition) -> Order:
    return Order.of(moved.order)


@strawberry.type
class OrderMutation:
    @strawberry.mutation(description="Cancel an unpaid order of yours; its unit goes back on sale.")
    async def cancel_order(self, info: CommerceInfo, order_id: strawberry.ID) -> Order:
        user = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            moved = await info.context.service.cancel(session, user, order_key(order_id))
        return _moved(moved)

    @strawberry.federation.mutation(
        description="Ship a paid order with a tracking number (merchants: scope orders:ship).",
        requires_scopes=[[SHIP_SCOPE]],
    )
    async def ship_order(
        self, info: CommerceInfo, order_id: strawberry.ID, tracking_number: str
    ) -> Order:
        require_scope(info, SHIP_SCOPE)
        if not 1 <= len(tracking_number) <= 64:
            raise BadUserInput("A tracking number has 1 to 64 characters.", field="trackingNumber")
        async with info.context.database.transaction() as session:
            moved = await info.context.service.ship(session, order_key(order_id), tracking_number)
        return _moved(moved)

    @strawberry.federation.mutation(
        description="Refund a paid, unshipped order (merchants: scope orders:refund).",
        requires_scopes=[[REFUND_SCOPE]],
    )
    async def refund_order(self, info: CommerceInfo, order_id: strawberry.ID) -> Order:
        require_scope(info, REFUND_SCOPE)
        return _moved(await info.context.commerce.checkout.refund_order(order_key(order_id)))

    @strawberry.mutation(description="Confirm you received a shipped order of yours.")
    async def confirm_receipt(self, info: CommerceInfo, order_id: strawberry.ID) -> Order:
        user = info.context.require_viewer()
        async with info.context.database.transaction() as session:
            moved = await info.context.service.confirm_receipt(session, user, order_key(order_id))
        return _moved(moved)
