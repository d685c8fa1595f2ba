"""Faults mid-sale: the order consumer killed with SIGKILL and restarted, Redis restarted
empty. Each ends with the invariants: orders = initial - remaining stock, at most one order
per member, Redis agreeing with the database, every outbox row published."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from shared.errors import Conflict
from shared.lifecycle import running
from subgraphs.commerce.catalogue import FlashSaleId
from subgraphs.commerce.models import EVENT_TABLES, Order
from subgraphs.commerce.reconcile import reconcile_sale
from tests.conftest import REDIS_URL
from tests.subgraphs.commerce.conftest import Commerce, CommerceFactory, new_sale, new_user
from tests.subgraphs.commerce.test_flash_sale import consumer, sale_state
from tests.support.domains import JWT_SECRET, WEBHOOK_SECRET
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[3]


async def _orders(commerce: Commerce, sale_id: FlashSaleId) -> int:
    async with commerce.runtime.database.transaction() as session:
        count = await session.scalar(
            select(func.count()).select_from(Order).where(Order.flash_sale_id == sale_id)
        )
    return int(count or 0)


async def _unpublished(commerce: Commerce) -> int:
    outbox = EVENT_TABLES.outbox
    async with commerce.runtime.database.transaction() as session:
        count = await session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        )
    return int(count or 0)


async def _invariants(commerce: Commerce, sale_id: FlashSaleId, units: int) -> int:
    db_stock, owners, redis_stock, redis_buyers = await sale_state(commerce, sale_id)
    assert len(owners) == units - db_stock  # orders = initial - remaining stock
    assert len(set(owners)) == len(owners)  # at most one per member
    assert (redis_stock, redis_buyers) == (db_stock, len(owners))
    return len(owners)


async def _enter(commerce: Commerce, sale_id: FlashSaleId, buyers: int) -> int:
    accepted = 0
    for _ in range(buyers):
        try:
            await commerce.runtime.seckill.enter(new_user(), "10.1.1.1", sale_id, "r")
            accepted += 1
        except Conflict:
            pass
    return accepted


def _worker(url: URL, prefix: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BEYOND_COMMERCE_DATABASE_URL": url.render_as_string(hide_password=False),
        "BEYOND_REDIS_URL": REDIS_URL,
        "BEYOND_REDIS_PREFIX": prefix,
        "BEYOND_JWT_SECRET": JWT_SECRET,
        "BEYOND_PAYMENT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "BEYOND_ORDER_CLAIM_IDLE": "1",
        "BEYOND_LOG_LEVEL": "ERROR",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "beyond.cli", "worker", "commerce"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def test_an_order_consumer_killed_mid_sale_loses_and_duplicates_nothing(
    make_commerce: CommerceFactory, commerce_mysql_url: URL, redis_prefix: str
) -> None:
    commerce = await make_commerce(seckill_per_network=10**6)
    units = 400
    sale = await new_sale(commerce.runtime, units)
    accepted = await _enter(commerce, sale.id, units)
    assert accepted == units
    first = _worker(commerce_mysql_url, redis_prefix)
    try:
        while await _orders(commerce, sale.id) < 50:
            assert first.poll() is None, "the worker exited"
            await asyncio.sleep(0.02)
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        first.kill()
    assert await _orders(commerce, sale.id) < units, "killed too late to prove anything"
    second = _worker(commerce_mysql_url, redis_prefix)
    try:
        for _ in range(1200):
            if await _orders(commerce, sale.id) == units and not await _unpublished(commerce):
                break
            await asyncio.sleep(0.05)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=20)
    assert await _invariants(commerce, sale.id, units) == units
    assert await _unpublished(commerce) == 0


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A redis-server of this test's own (restarting the shared one would hurt others)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    yield port, tmp_path
    _redis_cli(port, "shutdown", "nosave")


def _redis_cli(port: int, *command: str) -> bytes:
    return subprocess.run(["redis-cli", "-p", str(port), *command], capture_output=True).stdout


def _launch_redis(port: int, directory: Path) -> None:
    options = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    subprocess.run(
        ["redis-server", *options, "--dir", str(directory), "--daemonize", "yes"],
        check=True,
        capture_output=True,
    )


async def _start_redis(port: int, directory: Path) -> None:
    _launch_redis(port, directory)
    for _ in range(100):
        if _redis_cli(port, "ping"):
            return
        await asyncio.sleep(0.05)


async def test_redis_restarted_empty_mid_sale_is_rebuilt_from_the_database(
    make_commerce: CommerceFactory, own_redis: tuple[int, Path]
) -> None:
    port, directory = own_redis
    await _start_redis(port, directory)
    commerce = await make_commerce(
        redis_url=f"redis://127.0.0.1:{port}/0", seckill_per_network=10**6
    )
    units = 60
    sale = await new_sale(commerce.runtime, units)
    assert await _enter(commerce, sale.id, 40) == 40
    worker = consumer(commerce, batch_size=25)
    await worker.drain(sale.id)  # 25 orders written, 15 requests still in the stream
    _redis_cli(port, "shutdown", "nosave")
    await asyncio.sleep(0.2)
    await _start_redis(port, directory)
    # The lost requests never become orders; the sale goes on from the database's count.
    assert await _enter(commerce, sale.id, 60) == units - 25
    async with running([consumer(commerce, idle=0.01)]):
        for _ in range(400):
            if await _orders(commerce, sale.id) == units:
                break
            await asyncio.sleep(0.05)
    assert await _invariants(commerce, sale.id, units) == units
    report = await reconcile_sale(
        commerce.runtime.service.store, commerce.runtime.database, sale.id
    )
    assert not report.changed and report.skipped is None
