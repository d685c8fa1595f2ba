"""Inserts that skip rows already there, in each dialect's own insert-or-ignore.

The statement's ``rowcount`` says how many rows were new, which makes it the
race-free way to "insert unless present" under a unique key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


def insert_ignore(session: AsyncSession, model: Any, rows: list[dict[str, Any]]) -> Insert:
    if session.get_bind().dialect.name == "sqlite":
        return sqlite.insert(model).values(rows).on_conflict_do_nothing()
    return mysql.insert(model).values(rows).prefix_with("IGNORE")
