"""``orderStatusChanged``: a member's order as soon as it exists, then at every status change."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

import strawberry

from subgraphs.commerce.context import CommerceInfo
from subgraphs.commerce.graph.order_moves import order_key
from subgraphs.commerce.graph.orders import Order
from subgraphs.commerce.orders import OrderStatus

RECHECK = 5.0
"""Seconds a subscription waits for a change before reading the order again anyway."""
FINAL = frozenset({OrderStatus.COMPLETED, OrderStatus.CLOSED, OrderStatus.REFUNDED})
"""Statuses an order never leaves: the subscription ends after sending one."""


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Your order as soon as it exists (a flash-sale order once written), "
        "then again at every change of its status, ending after COMPLETED, CLOSED or REFUNDED; "
        "FORBIDDEN for someone else's order."
    )
    async def order_status_changed(
        self, info: CommerceInfo, order_id: strawberry.ID
    ) -> AsyncGenerator[Order, None]:
        user = info.context.require_viewer()
        key = order_key(order_id)
        runtime = info.context.commerce
        with runtime.order_feed.watch(key) as changed:
            last = None
            while True:
                # Read after starting to watch, so no change between read and wait is missed;
                # the timeout re-reads in case a wake-up was lost.
                async with runtime.database.transaction() as session:
                    view = await runtime.service.followed(session, user, key)
                if view is not None and view.status is not last:
                    last = view.status
                    yield Order.of(view)
                    if last in FINAL:
                        return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(changed.wait(), RECHECK)
                changed.clear()
