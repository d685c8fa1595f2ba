"""Waiting for something to become true by polling, never by asserting on elapsed time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable


async def eventually(condition: Callable[[], bool], *, polls: int = 400) -> None:
    """Poll ``condition`` every 25 ms; fail after ``polls`` tries (a guard against hanging)."""
    for _ in range(polls):
        if condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("condition never held")


async def eventually_async(condition: Callable[[], Awaitable[object]], *, polls: int = 400) -> None:
    """:func:`eventually` for a condition that has to await (a Redis read, say)."""
    for _ in range(polls):
        if await condition():
            return
        await asyncio.sleep(0.025)
    raise AssertionError("condition never held")
