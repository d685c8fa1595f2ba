"""Tables of the commerce database: the catalogue, flash sales, orders, payments, membership.

Money is an integer amount of minor units (fen, cents) with a currency code.
Stock has one source of truth, the database: ``skus.stock`` and
``flash_sales.stock`` only move in conditional updates (``… WHERE stock > 0``)
in the transaction that creates or closes the order they count, so they never
go below zero. Flash-sale stock in Redis is a fast copy the reconciliation job
repairs from these rows.

Orders are identified by ids the service generates (:mod:`subgraphs.commerce.ids`),
so a flash-sale order has its id before it is written. Every money or stock
mutation carries the client's key: ``orders`` are unique per (user, request id)
and per (flash sale, user); ``payments`` per (order, idempotency key);
``payment_events`` per provider event id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import BigId, UtcDateTime
from shared.events import add_event_tables


class CommerceBase(DeclarativeBase):
    """The commerce database's own metadata."""


class Product(CommerceBase):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Sku(CommerceBase):
    """One purchasable variant of a product, with its own price and stock."""

    __tablename__ = "skus"
    __table_args__ = (Index("ix_skus_product", "product_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(80))
    price: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    stock: Mapped[int] = mapped_column(Integer)


class FlashSale(CommerceBase):
    """``total`` units of a SKU at ``price`` between ``starts_at`` and ``ends_at``;
    ``stock`` is what the database has not yet turned into orders."""

    __tablename__ = "flash_sales"
    __table_args__ = (Index("ix_flash_sales_ends", "ends_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sku_id: Mapped[int] = mapped_column(BigInteger)
    price: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MembershipPlan(CommerceBase):
    __tablename__ = "membership_plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    tier: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    price: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    days: Mapped[int] = mapped_column(Integer)


class Membership(CommerceBase):
    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    tier: Mapped[str] = mapped_column(String(20))
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Order(CommerceBase):
    __tablename__ = "orders"
    __table_args__ = (
        Index("uq_orders_user_request", "user_id", "request_id", unique=True),
        # One unit per member per flash sale; NULLs (other kinds) do not collide.
        Index("uq_orders_sale_user", "flash_sale_id", "user_id", unique=True),
        Index("ix_orders_user", "user_id", "created_at", "id"),
        # The sweep behind the delayed queue: unpaid orders past their deadline.
        Index("ix_orders_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    request_id: Mapped[str] = mapped_column(String(64))
    sku_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    flash_sale_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    plan_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    tracking_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # When the current status times out: payment deadline, or automatic completion.
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Payment(CommerceBase):
    __tablename__ = "payments"
    __table_args__ = (
        Index("uq_payments_order_key", "order_id", "idempotency_key", unique=True),
        Index("uq_payments_provider_id", "provider_payment_id", unique=True),
        # The sweep behind the refund queue: refunds due and not yet attempted.
        Index("ix_payments_status_refund_due", "status", "refund_due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    order_id: Mapped[int] = mapped_column(BigInteger)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    provider_payment_id: Mapped[str] = mapped_column(String(64))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # CREATED, SUCCEEDED, then REFUND_DUE (a refund asked of the provider, not yet accepted),
    # REFUNDED, or REFUND_FAILED (the provider refused every attempt: an operator's case).
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    refund_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # While REFUND_DUE: when the next attempt may start (moved ahead while one runs).
    refund_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    refund_error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class PaymentEvent(CommerceBase):
    """A provider webhook already handled, by the provider's event id."""

    __tablename__ = "payment_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    provider_payment_id: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


EVENT_TABLES = add_event_tables(CommerceBase.metadata)
