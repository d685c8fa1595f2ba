"""Per-request loaders: entities asked for many times in one request are read in one statement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import Database, utcnow
from shared.ids import UserId
from subgraphs.commerce import catalogue
from subgraphs.commerce.catalogue import (
    FlashSaleId,
    FlashSaleView,
    ProductId,
    ProductView,
    SkuId,
    SkuView,
)
from subgraphs.commerce.ids import OrderId
from subgraphs.commerce.models import FlashSale, Membership
from subgraphs.commerce.orders import OrderView, orders_by_id
from subgraphs.commerce.service import MembershipView

K = TypeVar("K")
V = TypeVar("V")
Fetch = Callable[[AsyncSession, Collection[K]], Awaitable[Mapping[K, V]]]


class _Loader(DataLoader[K, V | None], Generic[K, V]):
    def __init__(self, database: Database, fetch: Fetch[K, V]) -> None:
        super().__init__()
        self._database = database
        self._fetch = fetch

    async def batch_load_fn(self, keys: list[K]) -> list[V | None]:
        async with self._database.transaction() as session:
            found = await self._fetch(session, keys)
        return [found.get(key) for key in keys]


async def _sales(
    session: AsyncSession, ids: Collection[FlashSaleId]
) -> dict[FlashSaleId, FlashSaleView]:
    rows = await session.scalars(select(FlashSale).where(FlashSale.id.in_(ids)))
    return {FlashSaleId(row.id): FlashSaleView.from_row(row) for row in rows}


async def _memberships(
    session: AsyncSession, users: Collection[UserId]
) -> dict[UserId, MembershipView]:
    rows = await session.scalars(
        select(Membership).where(Membership.user_id.in_(users), Membership.expires_at > utcnow())
    )
    return {UserId(row.user_id): MembershipView(row.tier, row.expires_at) for row in rows}


@dataclass(frozen=True, slots=True)
class CommerceLoaders:
    products: _Loader[ProductId, ProductView]
    product_skus: _Loader[ProductId, list[SkuView]]
    skus: _Loader[SkuId, SkuView]
    flash_sales: _Loader[FlashSaleId, FlashSaleView]
    orders: _Loader[OrderId, OrderView]
    memberships: _Loader[UserId, MembershipView]

    @classmethod
    def of(cls, database: Database) -> CommerceLoaders:
        return cls(
            products=_Loader(database, catalogue.products_by_id),
            product_skus=_Loader(database, catalogue.skus_of),
            skus=_Loader(database, catalogue.skus_by_id),
            flash_sales=_Loader(database, _sales),
            orders=_Loader(database, orders_by_id),
            memberships=_Loader(database, _memberships),
        )
