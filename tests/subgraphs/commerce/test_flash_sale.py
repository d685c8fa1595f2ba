"""The flash sale: the entry path, the order consumer, and no overselling under concurrency."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import pytest
from sqlalchemy import func, select

from shared.errors import Conflict
from shared.lifecycle import running
from subgraphs.commerce.catalogue import FlashSaleId, flash_sale
from subgraphs.commerce.models import Order
from subgraphs.commerce.order_consumer import OrderRequests
from tests.subgraphs.commerce.conftest import Commerce, CommerceFactory, new_sale, new_user

SECKILL = """mutation($sale: ID!, $request: String!) {
  seckill(flashSaleId: $sale, requestId: $request) { orderId flashSaleId } }"""
ORDER = "query($id: ID!) { order(id: $id) { id status kind amount currency buyer { id } } }"


def consumer(commerce: Commerce, **options: float) -> OrderRequests:
    service = commerce.runtime.service
    return OrderRequests(commerce.runtime.database, service.store, service, **options)


async def drain(commerce: Commerce, sale_id: FlashSaleId) -> int:
    worker, handled = consumer(commerce), 0
    while more := await worker.drain(sale_id):
        handled += more
    return handled


async def sale_state(commerce: Commerce, sale_id: FlashSaleId) -> tuple[int, list[int], int, int]:
    """(database stock, buyers with an order, Redis stock, Redis buyers)."""
    runtime = commerce.runtime
    async with runtime.database.transaction() as session:
        sale = await flash_sale(session, sale_id)
        assert sale is not None
        users = list(
            await session.scalars(select(Order.user_id).where(Order.flash_sale_id == sale_id))
        )
    keys = runtime.service.store.keys(sale_id)
    stock = int(await runtime.redis.hget(keys.meta, "stock") or -1)
    return sale.stock, users, stock, int(await runtime.redis.hlen(keys.buyers))


def code(body: dict[str, object]) -> object:
    return body["errors"][0]["extensions"]["code"]  # type: ignore[index]


async def test_a_member_wins_one_unit_and_sees_the_order_once_it_is_written(
    commerce: Commerce,
) -> None:
    sale = await new_sale(commerce.runtime, 3)
    buyer = new_user()
    ticket = (await commerce.data(SECKILL, buyer, sale=str(sale.id), request="a"))["seckill"]
    assert (await commerce.data(ORDER, buyer, id=ticket["orderId"]))["order"] is None
    assert await drain(commerce, sale.id) == 1
    order = (await commerce.data(ORDER, buyer, id=ticket["orderId"]))["order"]
    assert order == {
        "id": ticket["orderId"],
        "status": "PENDING_PAYMENT",
        "kind": "FLASH_SALE",
        "amount": 990,
        "currency": "CNY",
        "buyer": {"id": str(buyer)},
    }
    # Somebody else's order reads as null.
    assert (await commerce.data(ORDER, new_user(), id=ticket["orderId"]))["order"] is None
    # The same request again answers the same order; another request is refused.
    again = (await commerce.data(SECKILL, buyer, sale=str(sale.id), request="a"))["seckill"]
    assert again == ticket
    other = await commerce.execute(SECKILL, buyer, sale=str(sale.id), request="b")
    assert code(other) == "CONFLICT" and "one unit per member" in other["errors"][0]["message"]
    assert await sale_state(commerce, sale.id) == (2, [buyer], 2, 1)


async def test_a_sale_refuses_before_it_starts_after_it_ends_and_once_sold_out(
    commerce: Commerce,
) -> None:
    early = await new_sale(commerce.runtime, 1, starts_in=3600)
    body = await commerce.execute(SECKILL, new_user(), sale=str(early.id), request="x")
    assert code(body) == "CONFLICT" and "not started" in body["errors"][0]["message"]
    ended = await new_sale(commerce.runtime, 1, starts_in=-10, lasts=5)
    body = await commerce.execute(SECKILL, new_user(), sale=str(ended.id), request="x")
    assert code(body) == "CONFLICT" and "ended" in body["errors"][0]["message"]
    one = await new_sale(commerce.runtime, 1)
    await commerce.data(SECKILL, new_user(), sale=str(one.id), request="x")
    body = await commerce.execute(SECKILL, new_user(), sale=str(one.id), request="x")
    assert code(body) == "CONFLICT" and "sold out" in body["errors"][0]["message"]
    missing = await commerce.execute(SECKILL, new_user(), sale="999999999", request="x")
    assert code(missing) == "NOT_FOUND"


async def test_the_sold_out_flag_answers_without_redis(commerce: Commerce) -> None:
    sale = await new_sale(commerce.runtime, 1)
    seckill = commerce.runtime.seckill
    await seckill.enter(new_user(), "10.0.0.1", sale.id, "r")
    with pytest.raises(Conflict, match="sold out"):
        await seckill.enter(new_user(), "10.0.0.1", sale.id, "r")
    calls = 0
    real = commerce.runtime.service.store.seckill

    async def counting(**kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return await real(**kwargs)  # type: ignore[arg-type]

    commerce.runtime.service.store.seckill = counting  # type: ignore[assignment]
    for _ in range(20):
        try:
            await seckill.enter(new_user(), "10.0.0.1", sale.id, "r")
        except Conflict as refused:
            assert "sold out" in refused.message
    assert calls == 0


async def test_members_and_networks_are_limited(make_commerce: CommerceFactory) -> None:
    commerce = await make_commerce(seckill_per_user=2, seckill_per_network=5)
    sale = await new_sale(commerce.runtime, 100)
    buyer = new_user()
    codes = [
        "ok" if "errors" not in b else code(b)
        for b in [
            await commerce.execute(SECKILL, buyer, sale=str(sale.id), request="same")
            for _ in range(3)
        ]
    ]
    assert codes == ["ok", "ok", "RATE_LIMITED"]
    results = [
        await commerce.execute(SECKILL, new_user(), sale=str(sale.id), request="n")
        for _ in range(4)
    ]
    assert [code(b) if "errors" in b else "ok" for b in results] == [
        "ok",
        "ok",
        "ok",
        "RATE_LIMITED",
    ]
    assert results[-1]["errors"][0]["extensions"]["retryAfter"] >= 1


async def test_five_thousand_buyers_for_a_thousand_units_make_exactly_a_thousand_orders(
    make_commerce: CommerceFactory,
) -> None:
    commerce = await make_commerce(seckill_per_network=1_000_000)
    units, buyers = 1000, 5000
    sale = await new_sale(commerce.runtime, units)
    users = [new_user() for _ in range(buyers)]
    # Many try twice (some with the same request id, a retry; some with a new one).
    attempts = [(u, "first") for u in users] + [
        (u, random.choice(["first", "second"])) for u in random.sample(users, 2000)
    ]
    random.shuffle(attempts)
    seckill = commerce.runtime.seckill
    # Fewer clients than the Redis pool has connections, so none waits for one on a busy machine.
    clients = asyncio.Semaphore(90)
    outcomes: Counter[str] = Counter()
    accepted: dict[int, set[str]] = {}

    async def attempt(user: int, request: str) -> None:
        async with clients:
            try:
                ticket = await seckill.enter(user, "10.0.0.1", sale.id, request)  # type: ignore[arg-type]
            except Conflict as refused:
                outcomes["sold out" if "sold out" in refused.message else "already"] += 1
                return
            outcomes["accepted"] += 1
            accepted.setdefault(user, set()).add(str(ticket.order_id))

    workers = [consumer(commerce, idle=0.01), consumer(commerce, idle=0.01)]
    async with running(workers):
        await asyncio.gather(*(attempt(u, r) for u, r in attempts))
        for _ in range(600):
            db_stock, owners, redis_stock, redis_buyers = await sale_state(commerce, sale.id)
            if len(owners) >= units:
                break
            await asyncio.sleep(0.05)
    assert len(accepted) == units  # exactly this many members won
    assert all(len(ids) == 1 for ids in accepted.values())  # one order id each
    db_stock, owners, redis_stock, redis_buyers = await sale_state(commerce, sale.id)
    assert len(owners) == units and len(set(owners)) == units
    assert set(owners) == set(accepted)
    assert (db_stock, redis_stock, redis_buyers) == (0, 0, units)
    async with commerce.runtime.database.transaction() as session:
        written = await session.scalar(
            select(func.count()).select_from(Order).where(Order.flash_sale_id == sale.id)
        )
    assert written == units
