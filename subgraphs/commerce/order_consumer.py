"""The order consumer: accepted flash-sale requests (Redis streams) become orders.

Each sale has its own request stream (``…{sale:ID}:requests``) and the
consumer group ``commerce.orders`` on it; the sales to read are the members
of ``…commerce:sales`` whose keys have not expired, re-read every second. One round reads each stream
without blocking, reclaims entries another member has held longer than
``claim_idle`` seconds (a consumer killed mid-sale: its entries are taken
over, not lost), and turns the entries read into orders in one transaction,
each in its own savepoint (:meth:`CommerceService.create_sale_order`: unique
per member and sale, a conditional stock update as the last guard),
acknowledging them after commit: one commit per batch, not per order. An
entry delivered twice creates one order: the second finds it, or loses on
the unique index and rolls back its savepoint only.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from typing import cast

from redis.exceptions import ResponseError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database
from shared.events.polling import PollingWorker
from shared.ids import UserId
from subgraphs.commerce.catalogue import FlashSaleId
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.sale_store import SaleStore
from subgraphs.commerce.service import CommerceService

log = logging.getLogger(__name__)

GROUP = "commerce.orders"
Entry = tuple[str, dict[str, str]]


class OrderRequests(PollingWorker):
    def __init__(
        self,
        database: Database,
        store: SaleStore,
        service: CommerceService,
        *,
        claim_idle: float = 10.0,
        batch_size: int = 50,
        idle: float = 0.02,
    ) -> None:
        super().__init__(name="commerce order consumer", idle_interval=idle, max_backoff=2.0)
        self._database = database
        self._store = store
        self._service = service
        self._claim_idle_ms = int(claim_idle * 1000)
        self._batch = batch_size
        self.member = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
        self._sales: list[FlashSaleId] = []
        self._sales_read = 0.0
        self._groups: set[str] = set()

    async def step(self) -> bool:
        if time.monotonic() - self._sales_read > 1.0:
            self._sales = await self._store.live_sales()
            self._sales_read = time.monotonic()
        handled = 0
        for sale_id in self._sales:
            handled += await self.drain(sale_id)
        return handled > 0

    async def drain(self, sale_id: FlashSaleId) -> int:
        """One round over one sale's stream; the number of entries handled."""
        stream = self._store.keys(sale_id).requests
        redis = self._store.redis
        try:
            if stream not in self._groups:
                await self._ensure_group(stream)
            _cursor, claimed, *_ = await redis.xautoclaim(
                stream, GROUP, self.member, min_idle_time=self._claim_idle_ms, count=self._batch
            )
            reply = cast(
                "list[tuple[str, list[Entry]]] | None",
                await redis.xreadgroup(GROUP, self.member, {stream: ">"}, count=self._batch),
            )
        except ResponseError as exc:
            if str(exc).startswith("NOGROUP"):
                self._groups.discard(stream)  # Redis lost the stream: create the group again
                return 0
            raise
        entries = list(claimed) + [e for _s, batch in reply or [] for e in batch]
        if entries:
            async with self._database.transaction() as session:
                for _entry_id, fields in entries:
                    await self._write(session, sale_id, fields)
            await redis.xack(stream, GROUP, *(entry_id for entry_id, _ in entries))
        return len(entries)

    async def _ensure_group(self, stream: str) -> None:
        try:
            await self._store.redis.xgroup_create(stream, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if not str(exc).startswith("BUSYGROUP"):
                raise
        self._groups.add(stream)

    async def _write(
        self, session: AsyncSession, sale_id: FlashSaleId, fields: dict[str, str]
    ) -> None:
        """One entry's order, inside a savepoint: a duplicate rolls back only itself."""
        try:
            user, order_id = UserId(int(fields["user"])), OrderId(int(fields["order"]))
            request_id = fields["request"]
        except (KeyError, ValueError):
            log.error("flash sale %s: malformed request entry %r dropped", sale_id, fields)
            return
        try:
            async with session.begin_nested():
                await self._service.create_sale_order(
                    session, sale_id=sale_id, user=user, request_id=request_id, order_id=order_id
                )
        except IntegrityError:
            log.info("flash sale %s: order %s exists already", sale_id, order_id)
