"""Reconciliation repairs a sale's Redis stock and buyers from the database and says what
it changed; a sale with requests in flight is left for the next run."""

from __future__ import annotations

from subgraphs.commerce.reconcile import reconcile_current, reconcile_sale
from tests.subgraphs.commerce.conftest import Commerce, new_sale, new_user
from tests.subgraphs.commerce.test_flash_sale import drain, sale_state


async def test_drifted_redis_state_is_repaired_from_the_database(commerce: Commerce) -> None:
    runtime = commerce.runtime
    store = runtime.service.store
    sale = await new_sale(runtime, 5)
    buyers = [new_user() for _ in range(2)]
    for buyer in buyers:
        await runtime.seckill.enter(buyer, "10.2.2.2", sale.id, "r")
    busy = await reconcile_sale(store, runtime.database, sale.id)
    assert busy.skipped == "2 requests still becoming orders" and not busy.changed
    await drain(commerce, sale.id)
    clean = await reconcile_sale(store, runtime.database, sale.id)
    assert not clean.changed and clean.skipped is None
    keys = store.keys(sale.id)
    stranger = new_user()
    await runtime.redis.hset(keys.meta, "stock", 1)
    await runtime.redis.hset(keys.buyers, str(stranger), "x 1")
    await runtime.redis.hdel(keys.buyers, str(buyers[0]))
    repairs = [r for r in await reconcile_current(store, runtime.database) if r.sale_id == sale.id]
    assert len(repairs) == 1
    repair = repairs[0]
    assert repair.stock == (1, 3)
    assert repair.buyers_removed == [str(stranger)]
    assert repair.buyers_added == [str(buyers[0])]
    assert repair.describe() == (
        f"flash sale {sale.id}: repaired stock 1 -> 3, 1 buyers added, 1 buyers removed"
    )
    db_stock, owners, redis_stock, redis_buyers = await sale_state(commerce, sale.id)
    assert (db_stock, sorted(owners), redis_stock, redis_buyers) == (3, sorted(buyers), 3, 2)
    # The repaired buyer still cannot buy twice.
    again = await runtime.seckill.enter(buyers[0], "10.2.2.2", sale.id, "r")
    assert again.flash_sale_id == sale.id
    assert await drain(commerce, sale.id) == 0


async def test_a_unit_given_back_after_a_repair_counted_it_is_not_counted_twice(
    commerce: Commerce,
) -> None:
    runtime = commerce.runtime
    store, service = runtime.service.store, runtime.service
    sale = await new_sale(runtime, 3)
    buyer = new_user()
    ticket = await runtime.seckill.enter(buyer, "10.2.2.3", sale.id, "r")
    await drain(commerce, sale.id)
    async with runtime.database.transaction() as session:
        await service.close(session, ticket.order_id)  # gives its unit back after commit
    # As if the repair ran between the close's commit and its give-back:
    await runtime.redis.hincrby(store.keys(sale.id).meta, "stock", -1)
    await runtime.redis.srem(store.keys(sale.id).returned, str(ticket.order_id))
    repair = await reconcile_sale(store, runtime.database, sale.id)
    assert repair.stock == (2, 3)
    await store.return_unit(sale.id, ticket.order_id)  # the late give-back
    assert await sale_state(commerce, sale.id) == (3, [buyer], 3, 1)


async def test_every_key_of_a_sale_expires_with_it(commerce: Commerce) -> None:
    runtime = commerce.runtime
    sale = await new_sale(runtime, 2)
    ticket = await runtime.seckill.enter(new_user(), "10.2.2.4", sale.id, "r")
    await drain(commerce, sale.id)
    async with runtime.database.transaction() as session:
        await runtime.service.close(session, ticket.order_id)
    expires = int(await runtime.redis.hget(runtime.service.store.keys(sale.id).meta, "expires"))
    for key in runtime.service.store.keys(sale.id).all():
        assert await runtime.redis.pexpiretime(key) == expires, key
    assert sale.id in await runtime.service.store.live_sales()
