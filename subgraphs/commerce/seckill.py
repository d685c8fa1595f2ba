"""The flash-sale entry path: ``seckill(flashSaleId, requestId)``.

In order, cheapest first, each step refusing what it can:

1. the sale's window and the in-process sold-out flag, from memory: a sale
   is read from the database once per process; after Redis answers
   ``SOLD_OUT`` the process refuses that sale for ``SOLD_OUT_RECHECK`` seconds
   without asking Redis (units given back by closed orders are found after it);
2. the per-member and per-network limits (one Redis script, shared/ratelimit);
3. the sale script (:data:`subgraphs.commerce.sale_store.SECKILL`), one round
   trip that decides everything else atomically.

An accepted request answers the order id at once; the order consumer writes
the order (``order(id)`` is null until then, ``orderStatusChanged`` announces
it). Repeating a request id answers the same order id.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.errors import BadUserInput, Conflict, NotFound
from shared.ids import UserId
from shared.ratelimit import RateLimiter, Window
from subgraphs.commerce.catalogue import FlashSaleId, FlashSaleView, flash_sale
from subgraphs.commerce.ids import OrderId, OrderIds
from subgraphs.commerce.models import Order
from subgraphs.commerce.orders import OrderStatus
from subgraphs.commerce.sale_store import SaleStore, buyer_value

CLOSED = OrderStatus.CLOSED.value
SOLD_OUT_RECHECK = 1.0
"""Seconds a process trusts a sale's sold-out answer before asking Redis again."""


@dataclass(frozen=True, slots=True)
class Limits:
    per_user: int
    per_network: int
    window: int


@dataclass(frozen=True, slots=True)
class Ticket:
    """An accepted request: the order it becomes."""

    order_id: OrderId
    flash_sale_id: FlashSaleId


@dataclass(slots=True)
class _Sale:
    starts_at: datetime
    ends_at: datetime
    sold_out_until: float = 0.0


def check_request_id(request_id: str, *, field: str = "requestId") -> str:
    if not 1 <= len(request_id) <= 64 or not (request_id.isascii() and request_id.isprintable()):
        raise BadUserInput(
            f"The `{field}` argument is 1 to 64 printable ASCII characters; reuse it only to retry.",
            field=field,
        )
    return request_id


async def sale_orders(
    session: AsyncSession, sale_id: FlashSaleId
) -> dict[int, tuple[str, int | None]]:
    """Each buyer's value in Redis, and the order id when that order closed (unit returned)."""
    rows = await session.execute(
        select(Order.user_id, Order.request_id, Order.id, Order.status).where(
            Order.flash_sale_id == sale_id
        )
    )
    return {
        user: (buyer_value(request, order), order if status == CLOSED else None)
        for user, request, order, status in rows
    }


async def load_sale(store: SaleStore, database: Database, sale_id: FlashSaleId) -> FlashSaleView:
    """Read the sale and its buyers from the database and put them in Redis if missing."""
    async with database.transaction() as session:
        sale = await flash_sale(session, sale_id)
        if sale is None:
            raise NotFound(f"There is no flash sale {sale_id}.")
        orders = await sale_orders(session, sale_id)
    await store.load(
        sale_id,
        stock=sale.stock,
        starts_at=sale.starts_at,
        ends_at=sale.ends_at,
        buyers={user: value for user, (value, _) in orders.items()},
        returned=[order for _, (_, order) in orders.items() if order is not None],
    )
    return sale


class Seckill:
    def __init__(
        self, store: SaleStore, database: Database, limits: Limits, order_ids: OrderIds
    ) -> None:
        self._store = store
        self._database = database
        self._limits = limits
        self._limiter = RateLimiter(store.redis)
        self._order_ids = order_ids
        self._sales: dict[FlashSaleId, _Sale] = {}
        self._loading: dict[FlashSaleId, asyncio.Future[FlashSaleView]] = {}

    async def enter(
        self, user: UserId, network: str, sale_id: FlashSaleId, request_id: str
    ) -> Ticket:
        check_request_id(request_id)
        sale = self._sales.get(sale_id)
        if sale is not None:
            self._check_window(sale, sale_id)
        await self._limit(user, network)
        if sale is None:
            sale = await self._remember(sale_id)
            self._check_window(sale, sale_id)
        order_id = self._order_ids.next()
        keys = self._store.keys(sale_id).entry()
        args: list[str | int] = [user, request_id, order_id]
        outcome, held = await self._store.seckill(keys=keys, args=args)
        if outcome == "UNLOADED":
            await self._load(sale_id)
            outcome, held = await self._store.seckill(keys=keys, args=args)
        if outcome == "ACCEPTED":
            return Ticket(OrderId(int(held)), sale_id)
        if outcome == "SOLD_OUT":
            sale.sold_out_until = time.monotonic() + SOLD_OUT_RECHECK
            raise Conflict(f"Flash sale {sale_id} is sold out.", field="flashSaleId")
        if outcome == "ALREADY":
            raise Conflict(
                f"You already have order {held} from flash sale {sale_id}: one unit per member.",
                field="flashSaleId",
            )
        raise _window_error(outcome, sale_id)

    def _check_window(self, sale: _Sale, sale_id: FlashSaleId) -> None:
        now = datetime.now(UTC)
        if now < sale.starts_at:
            raise _window_error("NOT_STARTED", sale_id)
        if now >= sale.ends_at:
            raise _window_error("ENDED", sale_id)
        if time.monotonic() < sale.sold_out_until:
            raise Conflict(f"Flash sale {sale_id} is sold out.", field="flashSaleId")

    async def _limit(self, user: UserId, network: str) -> None:
        limits, prefix = self._limits, f"{self._store.prefix}commerce:seckill-limit"
        await self._limiter.reserve(
            Window(
                f"{prefix}:user:{user}",
                limits.per_user,
                limits.window,
                "Too many flash-sale attempts from your account: wait and try again.",
            ),
            Window(
                f"{prefix}:net:{network}",
                limits.per_network,
                limits.window,
                "Too many flash-sale attempts from your network: wait and try again.",
            ),
        )

    async def _remember(self, sale_id: FlashSaleId) -> _Sale:
        view = await self._load(sale_id)
        return self._sales.setdefault(sale_id, _Sale(view.starts_at, view.ends_at))

    async def _load(self, sale_id: FlashSaleId) -> FlashSaleView:
        """:func:`load_sale`, once for all the requests that need it at the same moment."""
        loading = self._loading.get(sale_id)
        if loading is None:
            loading = asyncio.ensure_future(load_sale(self._store, self._database, sale_id))
            self._loading[sale_id] = loading
            loading.add_done_callback(lambda _: self._loading.pop(sale_id, None))
        return await asyncio.shield(loading)


def _window_error(outcome: str, sale_id: FlashSaleId) -> Conflict:
    if outcome == "NOT_STARTED":
        return Conflict(f"Flash sale {sale_id} has not started yet.", field="flashSaleId")
    return Conflict(f"Flash sale {sale_id} has ended.", field="flashSaleId")
