"""Products, SKUs, flash sales, orders, payments, membership plans and memberships.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.events.migration import create_event_tables, drop_event_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _money() -> list[sa.Column[object]]:
    return [
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_table(
        "skus",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("product_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        *_money(),
        sa.Column("stock", sa.Integer(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_skus_product", "skus", ["product_id", "id"])
    op.create_table(
        "flash_sales",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("sku_id", sa.BigInteger(), nullable=False),
        *_money(),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index("ix_flash_sales_ends", "flash_sales", ["ends_at", "id"])
    plans = op.create_table(
        "membership_plans",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        *_money(),
        sa.Column("days", sa.Integer(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.bulk_insert(
        plans,
        [
            {
                "tier": "PLUS",
                "name": "Plus, one month",
                "price": 1500,
                "currency": "CNY",
                "days": 30,
            },
            {
                "tier": "PLUS",
                "name": "Plus, one year",
                "price": 15800,
                "currency": "CNY",
                "days": 365,
            },
        ],
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("tier", sa.String(20), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("sku_id", sa.BigInteger(), nullable=True),
        sa.Column("flash_sale_id", sa.BigInteger(), nullable=True),
        sa.Column("plan_id", sa.BigInteger(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("tracking_number", sa.String(64), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index("uq_orders_user_request", "orders", ["user_id", "request_id"], unique=True)
    op.create_index("uq_orders_sale_user", "orders", ["flash_sale_id", "user_id"], unique=True)
    op.create_index("ix_orders_user", "orders", ["user_id", "created_at", "id"])
    op.create_index("ix_orders_status_due", "orders", ["status", "due_at"])
    op.create_table(
        "payments",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("provider_payment_id", sa.String(64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    op.create_index(
        "uq_payments_order_key", "payments", ["order_id", "idempotency_key"], unique=True
    )
    op.create_index("uq_payments_provider_id", "payments", ["provider_payment_id"], unique=True)
    op.create_table(
        "payment_events",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("provider_payment_id", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        mysql_charset="utf8mb4",
    )
    create_event_tables()


def downgrade() -> None:
    drop_event_tables()
    for table in (
        "payment_events",
        "payments",
        "orders",
        "memberships",
        "membership_plans",
        "flash_sales",
        "skus",
        "products",
    ):
        op.drop_table(table)
