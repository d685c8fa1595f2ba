"""Counting the SQL statements an engine executes, to prove there is no N+1."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class StatementCounter:
    def __init__(self, engine: AsyncEngine) -> None:
        self.count = 0
        self._engine = engine.sync_engine

    def _on_execute(self, *_args: Any) -> None:
        self.count += 1

    def __enter__(self) -> StatementCounter:
        event.listen(self._engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._on_execute)
