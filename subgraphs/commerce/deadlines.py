"""The deadline worker: closes unpaid orders and completes unconfirmed deliveries when due.

It claims due orders from the delayed queue (:mod:`subgraphs.commerce.due`)
and, once a minute, sweeps ``orders`` for deadlines that never reached the
queue. A due ``PENDING_PAYMENT`` order is closed (its unit goes back to the
sale only if this call really closed it); a due ``SHIPPED`` order completes.
An order in any other status, or not yet due (its deadline moved), is left
alone; the queue entry is removed after the work committed.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import select

from shared.db import Database, utcnow
from shared.errors import Conflict
from shared.events.polling import PollingWorker
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.models import Order
from subgraphs.commerce.orders import OrderStatus, get_order
from subgraphs.commerce.service import CommerceService

log = logging.getLogger(__name__)

SWEEP_EVERY = 60.0
TIMED = (OrderStatus.PENDING_PAYMENT.value, OrderStatus.SHIPPED.value)


class DeadlineWorker(PollingWorker):
    def __init__(
        self,
        database: Database,
        service: CommerceService,
        *,
        interval: float = 0.5,
        lease: float = 30.0,
        batch_size: int = 100,
    ) -> None:
        super().__init__(name="commerce deadlines", idle_interval=interval, max_backoff=5.0)
        self._database = database
        self._service = service
        self._lease = lease
        self._batch = batch_size
        self._next_sweep = 0.0

    async def step(self) -> bool:
        due = [
            OrderId(member)
            for member in await self._service.due.claim(lease=self._lease, limit=self._batch)
        ]
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + SWEEP_EVERY
            due += await self.overdue()
        for order_id in due:
            await self.settle(order_id)
            await self._service.due.done(order_id)
        return len(due) >= self._batch

    async def overdue(self) -> list[OrderId]:
        async with self._database.transaction() as session:
            rows = await session.scalars(
                select(Order.id)
                .where(Order.status.in_(TIMED), Order.due_at <= utcnow())
                .limit(self._batch)
            )
            return [OrderId(row) for row in rows]

    async def settle(self, order_id: OrderId) -> None:
        """Act on the order if its deadline has passed."""
        async with self._database.transaction() as session:
            order = await get_order(session, order_id)
            if order is None or order.due_at is None or order.due_at > utcnow():
                return
            try:
                if order.status is OrderStatus.PENDING_PAYMENT:
                    await self._service.close(session, order_id)
                elif order.status is OrderStatus.SHIPPED:
                    await self._service.complete(session, order_id)
            except Conflict:
                log.info("order %s moved on before its deadline", order_id)
