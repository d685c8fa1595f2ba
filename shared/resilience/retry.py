"""Retries for idempotent calls: a retry budget, jittered backoff, and the caller's deadline.

Only a caller that knows its call is idempotent (a query, a read over gRPC)
uses :func:`retrying`; mutations are never retried. Three limits keep retries
from turning an outage into a storm:

- a :class:`RetryBudget` shared by all calls to one dependency: every first
  attempt deposits ``ratio`` tokens (capped), every retry spends one, so
  retries stay under ``ratio`` of the traffic (gRPC's retry throttling and
  Finagle's budget work this way);
- "full jitter" exponential backoff: the n-th retry sleeps a uniform random
  time in ``[0, min(cap, base * 2^n)]``, so clients that failed together do
  not retry together;
- the deadline: no retry starts, and no backoff sleeps, past it.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class RetryBudget:
    def __init__(self, *, ratio: float = 0.2, max_tokens: float = 10.0) -> None:
        self._ratio = ratio
        self._max = max_tokens
        self._tokens = max_tokens

    def deposit(self) -> None:
        self._tokens = min(self._max, self._tokens + self._ratio)

    def withdraw(self) -> bool:
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


def backoff(attempt: int, *, base: float = 0.02, cap: float = 0.5) -> float:
    """Seconds to sleep before retry number ``attempt`` (1, 2, …), fully jittered."""
    return random.uniform(0, min(cap, base * 2 ** (attempt - 1)))


async def retrying(
    call: Callable[[], Awaitable[T]],
    *,
    budget: RetryBudget,
    retryable: Callable[[Exception], bool],
    attempts: int = 3,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """``await call()``, again after a retryable failure while attempts, budget and deadline allow.

    ``deadline`` is a ``clock()`` value; the last failure is raised as it was.
    """
    budget.deposit()
    attempt = 1
    while True:
        try:
            return await call()
        except Exception as exc:
            if attempt >= attempts or not retryable(exc):
                raise
            pause = backoff(attempt)
            if deadline is not None and clock() + pause >= deadline:
                raise
            if not budget.withdraw():
                raise
        await asyncio.sleep(pause)
        attempt += 1
