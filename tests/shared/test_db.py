"""The unit of work on both backends: commits once, rolls back whole, no lost updates."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Database, after_commit


class CounterBase(DeclarativeBase):
    pass


class Counter(CounterBase):
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


@pytest.fixture
async def database(tmp_path: Path) -> Database:
    db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'counters.db'}")
    async with db.engine.begin() as connection:
        await connection.run_sync(CounterBase.metadata.create_all)
    async with db.transaction() as session:
        session.add(Counter(name="hits", value=0))
    return db


async def test_concurrent_read_modify_write_on_sqlite_loses_nothing(database: Database) -> None:
    async def bump() -> None:
        async with database.transaction() as session:
            counter = await session.get_one(Counter, "hits")
            await asyncio.sleep(0)  # let the other writers interleave
            counter.value += 1

    await asyncio.gather(*(bump() for _ in range(30)))
    async with database.transaction() as session:
        assert (await session.get_one(Counter, "hits")).value == 30
    await database.dispose()


async def test_an_error_rolls_back_the_whole_transaction(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            session.add(Counter(name="half", value=1))
            await session.flush()
            raise RuntimeError("boom")
    async with database.transaction() as session:
        assert await session.scalar(select(Counter).where(Counter.name == "half")) is None
    await database.dispose()


async def test_after_commit_runs_only_after_a_commit(database: Database) -> None:
    ran: list[str] = []

    async def note() -> None:
        ran.append("after")

    async with database.transaction() as session:
        after_commit(session, note)
        assert ran == []
    assert ran == ["after"]
    with pytest.raises(RuntimeError):
        async with database.transaction() as session:
            after_commit(session, note)
            raise RuntimeError("rolled back")
    assert ran == ["after"]
    await database.dispose()
