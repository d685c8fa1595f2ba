"""The catalogue: products and their SKUs, flash sales, membership plans.

Reads only, plus the merchant-side creation of products and flash sales.
Products list newest first on ``(created_at, id)``; flash sales by start time.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import utcnow
from shared.errors import BadUserInput, NotFound
from shared.pagination import Position
from subgraphs.commerce.models import FlashSale, MembershipPlan, Product, Sku

ProductId = NewType("ProductId", int)
SkuId = NewType("SkuId", int)
FlashSaleId = NewType("FlashSaleId", int)
PlanId = NewType("PlanId", int)


@dataclass(frozen=True, slots=True)
class SkuView:
    id: SkuId
    product_id: ProductId
    name: str
    price: int
    currency: str
    stock: int


@dataclass(frozen=True, slots=True)
class ProductView:
    id: ProductId
    title: str
    description: str
    created_at: datetime

    @property
    def position(self) -> Position:
        return Position(self.created_at, self.id)


@dataclass(frozen=True, slots=True)
class FlashSaleView:
    id: FlashSaleId
    sku_id: SkuId
    price: int
    currency: str
    total: int
    stock: int
    starts_at: datetime
    ends_at: datetime

    @classmethod
    def from_row(cls, row: FlashSale) -> FlashSaleView:
        return cls(
            id=FlashSaleId(row.id),
            sku_id=SkuId(row.sku_id),
            price=row.price,
            currency=row.currency,
            total=row.total,
            stock=row.stock,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
        )


@dataclass(frozen=True, slots=True)
class PlanView:
    id: PlanId
    tier: str
    name: str
    price: int
    currency: str
    days: int


def _product(row: Product) -> ProductView:
    return ProductView(ProductId(row.id), row.title, row.description, row.created_at)


def _sku(row: Sku) -> SkuView:
    return SkuView(
        SkuId(row.id), ProductId(row.product_id), row.name, row.price, row.currency, row.stock
    )


async def create_product(
    session: AsyncSession,
    *,
    title: str,
    description: str,
    skus: Sequence[tuple[str, int, int]],
    currency: str,
) -> ProductView:
    """A product with its SKUs, each ``(name, price in minor units, stock)``."""
    if not 1 <= len(title) <= 120:
        raise BadUserInput("A product title has 1 to 120 characters.", field="title")
    if not skus or any(price < 0 or stock < 0 for _, price, stock in skus):
        raise BadUserInput("A product needs SKUs with prices and stock of 0 or more.", field="skus")
    row = Product(title=title, description=description, created_at=utcnow().replace(microsecond=0))
    session.add(row)
    await session.flush()
    for name, price, stock in skus:
        session.add(Sku(product_id=row.id, name=name, price=price, currency=currency, stock=stock))
    await session.flush()
    return _product(row)


async def create_flash_sale(
    session: AsyncSession,
    *,
    sku_id: SkuId,
    price: int,
    units: int,
    starts_at: datetime,
    ends_at: datetime,
) -> FlashSaleView:
    """Set ``units`` of the SKU's stock aside for a flash sale (taken from the SKU at once)."""
    if units <= 0 or price < 0 or ends_at <= starts_at:
        raise BadUserInput(
            "A flash sale needs units, a price of 0 or more and an end after its start.",
            field="units",
        )
    sku = await session.scalar(select(Sku).where(Sku.id == sku_id).with_for_update())
    if sku is None:
        raise NotFound(f"There is no SKU {sku_id}.")
    if sku.stock < units:
        raise BadUserInput(f"SKU {sku_id} has only {sku.stock} units in stock.", field="units")
    sku.stock -= units
    row = FlashSale(
        sku_id=sku_id,
        price=price,
        currency=sku.currency,
        total=units,
        stock=units,
        starts_at=starts_at,
        ends_at=ends_at,
        created_at=utcnow(),
    )
    session.add(row)
    await session.flush()
    return FlashSaleView.from_row(row)


async def products_page(
    session: AsyncSession, size: int, after: Position | None
) -> tuple[list[ProductView], bool]:
    query = select(Product).order_by(Product.created_at.desc(), Product.id.desc())
    if after is not None:
        query = query.where(
            or_(
                Product.created_at < after.created_at,
                and_(Product.created_at == after.created_at, Product.id < after.id),
            )
        )
    rows = list(await session.scalars(query.limit(size + 1)))
    return [_product(row) for row in rows[:size]], len(rows) > size


async def product_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Product)) or 0)


async def products_by_id(
    session: AsyncSession, ids: Collection[ProductId]
) -> dict[ProductId, ProductView]:
    rows = await session.scalars(select(Product).where(Product.id.in_(ids)))
    return {ProductId(row.id): _product(row) for row in rows}


async def skus_of(
    session: AsyncSession, product_ids: Collection[ProductId]
) -> dict[ProductId, list[SkuView]]:
    found: dict[ProductId, list[SkuView]] = {key: [] for key in product_ids}
    rows = await session.scalars(
        select(Sku).where(Sku.product_id.in_(product_ids)).order_by(Sku.id)
    )
    for row in rows:
        found[ProductId(row.product_id)].append(_sku(row))
    return found


async def skus_by_id(session: AsyncSession, ids: Collection[SkuId]) -> dict[SkuId, SkuView]:
    rows = await session.scalars(select(Sku).where(Sku.id.in_(ids)))
    return {SkuId(row.id): _sku(row) for row in rows}


async def flash_sale(session: AsyncSession, sale_id: FlashSaleId) -> FlashSaleView | None:
    row = await session.scalar(
        select(FlashSale).where(FlashSale.id == sale_id).execution_options(populate_existing=True)
    )
    return FlashSaleView.from_row(row) if row is not None else None


async def current_flash_sales(session: AsyncSession, limit: int = 100) -> list[FlashSaleView]:
    """Sales not yet ended, soonest first."""
    rows = await session.scalars(
        select(FlashSale)
        .where(FlashSale.ends_at > utcnow())
        .order_by(FlashSale.starts_at, FlashSale.id)
        .limit(limit)
    )
    return [FlashSaleView.from_row(row) for row in rows]


async def membership_plans(session: AsyncSession) -> list[PlanView]:
    rows = await session.scalars(select(MembershipPlan).order_by(MembershipPlan.price))
    return [PlanView(PlanId(r.id), r.tier, r.name, r.price, r.currency, r.days) for r in rows]


async def membership_plan(session: AsyncSession, plan_id: PlanId) -> PlanView | None:
    return next((plan for plan in await membership_plans(session) if plan.id == plan_id), None)
