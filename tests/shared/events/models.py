"""A small domain for the event tests: orders, plus the event tables in the same metadata."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import BigId
from shared.events import add_event_tables


class ShopBase(DeclarativeBase):
    pass


class Order(ShopBase):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    item: Mapped[str] = mapped_column(String(40))


class Shipment(ShopBase):
    """What the test consumers write: one row per handled event."""

    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36))


EVENT_TABLES = add_event_tables(ShopBase.metadata)
