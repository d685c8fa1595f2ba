"""The order state machine: legal paths, CONFLICT on illegal ones, one winner under concurrency,
one outbox event per change."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from shared.errors import Conflict
from subgraphs.commerce.catalogue import PlanId
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.models import EVENT_TABLES
from subgraphs.commerce.orders import OrderStatus, OrderView
from tests.subgraphs.commerce.conftest import Commerce, new_user


async def _membership_order(commerce: Commerce) -> OrderView:
    runtime = commerce.runtime
    async with runtime.database.transaction() as session:
        return await runtime.service.buy_membership(session, new_user(), PlanId(1), "r1")


async def _events(commerce: Commerce, order_id: OrderId) -> list[str]:
    outbox = EVENT_TABLES.outbox
    async with commerce.runtime.database.transaction() as session:
        rows = await session.execute(
            select(outbox.c.event_type)
            .where(outbox.c.aggregate_type == "order", outbox.c.aggregate_id == str(order_id))
            .order_by(outbox.c.id)
        )
        return [row[0] for row in rows]


async def test_an_order_goes_from_payment_to_completion_with_one_event_per_change(
    commerce: Commerce,
) -> None:
    order = await _membership_order(commerce)
    service, database = commerce.runtime.service, commerce.runtime.database
    async with database.transaction() as session:
        await service.mark_paid(session, order.id)
        await service.ship(session, order.id, "SF123")
    async with database.transaction() as session:
        done = await service.confirm_receipt(session, order.user_id, order.id)
    assert done.order.status is OrderStatus.COMPLETED
    assert await _events(commerce, order.id) == [
        "OrderCreated",
        "OrderPaid",
        "OrderShipped",
        "OrderDelivered",
        "OrderCompleted",
    ]


async def test_an_illegal_transition_is_a_conflict_and_a_repeated_one_changes_nothing(
    commerce: Commerce,
) -> None:
    order = await _membership_order(commerce)
    service, database = commerce.runtime.service, commerce.runtime.database
    with pytest.raises(Conflict):
        async with database.transaction() as session:
            await service.ship(session, order.id, "SF1")
    async with database.transaction() as session:
        assert (await service.close(session, order.id)).changed
    async with database.transaction() as session:
        assert not (await service.close(session, order.id)).changed
    with pytest.raises(Conflict):
        async with database.transaction() as session:
            await service.mark_paid(session, order.id)
    assert await _events(commerce, order.id) == ["OrderCreated", "OrderClosed"]


async def test_concurrent_pay_and_close_leave_exactly_one_winner(commerce: Commerce) -> None:
    service, database = commerce.runtime.service, commerce.runtime.database
    for _ in range(5):
        order = await _membership_order(commerce)

        async def attempt(paying: bool, order: OrderView = order) -> str:
            try:
                async with database.transaction() as session:
                    if paying:
                        moved = await service.mark_paid(session, order.id)
                    else:
                        moved = await service.close(session, order.id)
                return "won" if moved.changed else "repeat"
            except Conflict:
                return "conflict"

        results = await asyncio.gather(*(attempt(i % 2 == 0) for i in range(8)))
        assert results.count("won") == 1, results
        events = await _events(commerce, order.id)
        assert len(events) == 2 and events[0] == "OrderCreated"
        async with database.transaction() as session:
            final = await service.owned(session, order.user_id, order.id)
        assert final.status.value == {"OrderPaid": "PAID", "OrderClosed": "CLOSED"}[events[1]]
