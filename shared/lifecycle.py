"""Background workers that run beside a service: start them, stop them in reverse.

A worker is anything with a ``name`` and async ``start()`` / ``stop()``:
``start`` returns once it is running (raising if it cannot start, e.g. a port
in use) and leaves its work in asyncio tasks; ``stop`` finishes gracefully.
Event relays and consumers (:mod:`shared.events`) and the gRPC server
(:mod:`shared.grpc`) are workers, so ``beyond dev``, ``beyond serve`` and
``beyond worker`` run them all the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

log = logging.getLogger(__name__)


class Worker(Protocol):
    @property
    def name(self) -> str: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@asynccontextmanager
async def running(workers: Sequence[Worker]) -> AsyncIterator[None]:
    """Start ``workers`` in order, run the body, then stop them in reverse order."""
    started: list[Worker] = []
    try:
        for worker in workers:
            await worker.start()
            started.append(worker)
        yield
    finally:
        for worker in reversed(started):
            try:
                await worker.stop()
            except Exception:
                # One worker failing to stop must not keep the others running.
                log.exception("%s did not stop cleanly", worker.name)


async def cancelled(task: asyncio.Task[None] | None) -> None:
    """Cancel a worker's background ``task`` (if any) and wait until it has ended."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
