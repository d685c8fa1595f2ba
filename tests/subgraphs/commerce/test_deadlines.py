"""Deadlines: unpaid orders close through the delayed queue and give their unit back once;
unconfirmed deliveries complete by themselves."""

from __future__ import annotations

import asyncio

import pytest

from shared.errors import Conflict
from shared.lifecycle import running
from subgraphs.commerce.deadlines import DeadlineWorker
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.orders import OrderStatus
from tests.subgraphs.commerce.conftest import Commerce, CommerceFactory, new_sale, new_user
from tests.subgraphs.commerce.test_flash_sale import drain, sale_state


async def _status(commerce: Commerce, order_id: OrderId) -> OrderStatus | None:
    async with commerce.runtime.database.transaction() as session:
        view = await commerce.runtime.service.owned_or_none(
            session, await _owner(commerce, order_id), order_id
        )
    return view.status if view else None


async def _owner(commerce: Commerce, order_id: OrderId) -> int:
    from subgraphs.commerce.orders import get_order

    async with commerce.runtime.database.transaction() as session:
        view = await get_order(session, order_id)
    assert view is not None
    return view.user_id


async def _wait_for(commerce: Commerce, order_id: OrderId, status: OrderStatus) -> None:
    for _ in range(200):
        if await _status(commerce, order_id) is status:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"order {order_id} never became {status}")


async def _won(commerce: Commerce, units: int = 3) -> tuple[int, OrderId]:
    sale = await new_sale(commerce.runtime, units)
    ticket = await commerce.runtime.seckill.enter(new_user(), "10.0.0.9", sale.id, "r")
    await drain(commerce, sale.id)
    return sale.id, ticket.order_id


async def test_an_unpaid_order_closes_on_time_and_its_unit_goes_back(
    make_commerce: CommerceFactory,
) -> None:
    commerce = await make_commerce(order_payment_timeout=1)
    sale_id, order_id = await _won(commerce)
    assert (await sale_state(commerce, sale_id))[0::2] == (2, 2)  # type: ignore[arg-type]
    worker = DeadlineWorker(commerce.runtime.database, commerce.runtime.service, interval=0.05)
    async with running([worker]):
        await _wait_for(commerce, order_id, OrderStatus.CLOSED)
    assert (await sale_state(commerce, sale_id))[0::2] == (3, 3)  # type: ignore[arg-type]
    assert (
        await commerce.runtime.redis.zscore(commerce.runtime.service.due.key, str(order_id)) is None
    )


async def test_a_cancel_racing_the_deadline_gives_the_unit_back_once(
    make_commerce: CommerceFactory,
) -> None:
    commerce = await make_commerce(order_payment_timeout=1)
    service, database = commerce.runtime.service, commerce.runtime.database
    sale_id, order_id = await _won(commerce)
    owner = await _owner(commerce, order_id)
    await asyncio.sleep(1.1)
    worker = DeadlineWorker(database, service)

    async def cancel() -> None:
        async with database.transaction() as session:
            await service.cancel(session, owner, order_id)  # type: ignore[arg-type]

    await asyncio.gather(cancel(), worker.settle(order_id), cancel(), worker.settle(order_id))
    assert (await sale_state(commerce, sale_id))[0::2] == (3, 3)  # type: ignore[arg-type]


async def test_a_paid_order_does_not_close_and_a_shipped_one_completes_by_itself(
    make_commerce: CommerceFactory,
) -> None:
    commerce = await make_commerce(order_payment_timeout=1, order_auto_complete_after=1)
    service, database = commerce.runtime.service, commerce.runtime.database
    sale_id, order_id = await _won(commerce)
    async with database.transaction() as session:
        await service.mark_paid(session, order_id)
    worker = DeadlineWorker(database, service, interval=0.05)
    async with running([worker]):
        await asyncio.sleep(1.3)
        assert await _status(commerce, order_id) is OrderStatus.PAID
        async with database.transaction() as session:
            await service.ship(session, order_id, "SF42")
        await _wait_for(commerce, order_id, OrderStatus.COMPLETED)
    assert (await sale_state(commerce, sale_id))[0::2] == (2, 2)  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        async with database.transaction() as session:
            await service.close(session, order_id)
