"""Reconciliation: make each flash sale's Redis state agree with the database.

The database is the source of truth. For a sale, Redis should hold
``stock = flash_sales.stock`` and ``buyers = {user: "<request> <order>"}`` for
every order of the sale, once every accepted request has become an order. So
the job compares only a quiet sale: it reads ``seq`` and requires the request
stream to have nothing unread or unacknowledged; reads the database; and
repairs with one script that first checks ``seq`` has not moved (no request
accepted and no unit returned meanwhile). A busy sale is reported as skipped
and compared on the next run.

Runs as ``python -m subgraphs.commerce.reconcile_now`` (every current sale once,
printing what it changed) and as a worker inside ``beyond worker commerce``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

from redis.exceptions import ResponseError

from shared.db import Database
from shared.events.polling import PollingWorker
from subgraphs.commerce.catalogue import FlashSaleId, current_flash_sales, flash_sale
from subgraphs.commerce.order_consumer import GROUP
from subgraphs.commerce.sale_store import SaleStore
from subgraphs.commerce.seckill import sale_orders

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Repair:
    sale_id: FlashSaleId
    skipped: str | None = None
    stock: tuple[int, int] | None = None
    """(Redis had, database has) when they differed."""
    buyers_added: list[str] = field(default_factory=list)
    buyers_removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.stock or self.buyers_added or self.buyers_removed)

    def describe(self) -> str:
        if self.skipped:
            return f"flash sale {self.sale_id}: skipped, {self.skipped}"
        if not self.changed:
            return f"flash sale {self.sale_id}: Redis agrees with the database"
        parts = []
        if self.stock:
            parts.append(f"stock {self.stock[0]} -> {self.stock[1]}")
        if self.buyers_added:
            parts.append(f"{len(self.buyers_added)} buyers added")
        if self.buyers_removed:
            parts.append(f"{len(self.buyers_removed)} buyers removed")
        return f"flash sale {self.sale_id}: repaired " + ", ".join(parts)


async def _in_flight(store: SaleStore, sale_id: FlashSaleId) -> int:
    """Requests in the sale's stream not yet turned into orders (unread or unacknowledged)."""
    stream = store.keys(sale_id).requests
    try:
        groups: list[dict[str, Any]] = await store.redis.xinfo_groups(stream)
    except ResponseError:
        return 0  # no stream: nothing in flight
    mine = [g for g in groups if g["name"] == GROUP]
    if not mine:
        return int(await store.redis.xlen(stream))
    return int(mine[0]["pending"]) + int(mine[0].get("lag") or 0)


async def reconcile_sale(store: SaleStore, database: Database, sale_id: FlashSaleId) -> Repair:
    keys = store.keys(sale_id)
    seq, stock = cast("list[str | None]", await store.redis.hmget(keys.meta, ["seq", "stock"]))
    if seq is None or stock is None:
        return Repair(sale_id, skipped="not loaded in Redis (it is loaded on first use)")
    in_flight = await _in_flight(store, sale_id)
    if in_flight:
        return Repair(sale_id, skipped=f"{in_flight} requests still becoming orders")
    async with database.transaction() as session:
        sale = await flash_sale(session, sale_id)
        orders = await sale_orders(session, sale_id)
    expected = {str(user): value for user, (value, _) in orders.items()}
    closed = [order for _, (_, order) in orders.items() if order is not None]
    if sale is None:
        return Repair(sale_id, skipped="no such sale in the database")
    held = cast("dict[str, str]", await store.redis.hgetall(keys.buyers))
    remove = sorted(set(held) - set(expected))
    add = {user: value for user, value in expected.items() if held.get(user) != value}
    stock_change = (int(stock), sale.stock) if int(stock) != sale.stock else None
    if not (remove or add or stock_change):
        return Repair(sale_id)
    repaired = await store.repair(
        sale_id, seq=seq, stock=sale.stock, returned=closed, remove=remove, add=add
    )
    if not repaired:
        return Repair(sale_id, skipped="requests arrived while comparing")
    repair = Repair(sale_id, stock=stock_change, buyers_added=sorted(add), buyers_removed=remove)
    log.warning("%s", repair.describe())
    return repair


async def reconcile_current(store: SaleStore, database: Database) -> list[Repair]:
    async with database.transaction() as session:
        sales = await current_flash_sales(session)
    return [await reconcile_sale(store, database, sale.id) for sale in sales]


class Reconciler(PollingWorker):
    """Reconciles every current sale every ``interval`` seconds."""

    def __init__(self, store: SaleStore, database: Database, *, interval: float = 60.0) -> None:
        super().__init__(name="commerce reconciliation", idle_interval=interval, max_backoff=30.0)
        self._store = store
        self._database = database

    async def step(self) -> bool:
        await reconcile_current(self._store, self._database)
        return False
