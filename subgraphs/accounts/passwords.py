"""Argon2id password hashing, off the event loop, through a bounded pool.

One Argon2 check costs about 0.17 s of CPU with the production parameters. On
the event loop it would stall every other request of the process, so each
hash and check runs in a worker thread (argon2-cffi releases the GIL while it
works): at most ``workers`` at a time, and at most ``queue`` more waiting for
one. Work arriving past that is shed at once with ``RATE_LIMITED``
(``retryAfter`` 1 s) instead of queueing without bound, so a burst of
sign-ins gets a quick "try again" and the rest of the service keeps its pace.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from shared.errors import RateLimited
from subgraphs.accounts.settings import AccountsSettings

T = TypeVar("T")

BUSY = "Too many sign-ins are being checked right now: try again in a moment."


class HashingPool:
    """Runs blocking calls in threads, ``workers`` at a time, with ``queue`` more waiting."""

    def __init__(self, *, workers: int, queue: int) -> None:
        self._running = asyncio.Semaphore(workers)
        self._capacity = workers + queue
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Calls running or waiting right now."""
        return self._admitted

    async def run(self, call: Callable[..., T], *args: object) -> T:
        """``call(*args)`` in a worker thread; :class:`RateLimited` when the pool is full."""
        if self._admitted >= self._capacity:
            raise RateLimited(BUSY, retry_after=1)
        self._admitted += 1
        try:
            async with self._running:
                return await asyncio.to_thread(call, *args)
        finally:
            self._admitted -= 1


class Passwords:
    def __init__(self, *, time_cost: int, memory_kib: int, workers: int, queue: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID
        )
        self.pool = HashingPool(workers=workers, queue=queue)
        # Verified against when the mobile is unknown, so a miss costs as much as a wrong password.
        self._decoy = self._hasher.hash("decoy password that matches nothing")

    @classmethod
    def from_settings(cls, settings: AccountsSettings) -> Passwords:
        return cls(
            time_cost=settings.password_time_cost,
            memory_kib=settings.password_memory_kib,
            workers=settings.password_workers,
            queue=settings.password_queue,
        )

    async def hash(self, password: str) -> str:
        return await self.pool.run(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        return await self.pool.run(self._verify, stored_hash, password)

    def _verify(self, stored_hash: str | None, password: str) -> bool:
        try:
            return (
                self._hasher.verify(stored_hash or self._decoy, password)
                and stored_hash is not None
            )
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored_hash: str) -> bool:
        return self._hasher.check_needs_rehash(stored_hash)
