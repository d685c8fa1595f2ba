"""Tables of the accounts database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import VARBINARY, ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import BigId, UtcDateTime, utcnow


class AccountsBase(DeclarativeBase):
    """The accounts database's own metadata."""


class User(AccountsBase):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    nickname: Mapped[str] = mapped_column(String(20))
    avatar: Mapped[str | None] = mapped_column(String(512))
    bio: Mapped[str] = mapped_column(String(280), default="")
    # The mobile number is stored only encrypted; ``mobile_index`` is its keyed blind index.
    mobile_cipher: Mapped[bytes] = mapped_column(VARBINARY(64))
    mobile_index: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class RefreshToken(AccountsBase):
    """One refresh token; rotating it creates the next token of the same family."""

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family", "family_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
