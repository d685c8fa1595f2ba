"""The loop relays and consumers share: step until stopped, back off after failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from abc import ABC, abstractmethod

from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

PURGE_EVERY = 300.0
"""Seconds between a worker's deletions of old outbox and processed-event rows."""
STOP_TIMEOUT = 10.0
"""Seconds a worker's current step may take to finish once asked to stop."""


class PollingWorker(ABC):
    """Runs :meth:`step` in a task until :meth:`stop`; a :class:`~shared.lifecycle.Worker`.

    A failed step (Redis or the database unreachable, say) is logged and
    retried after an exponential, jittered backoff capped at ``max_backoff``
    seconds, so an outage neither kills the worker nor floods the logs.
    """

    def __init__(self, *, name: str, idle_interval: float, max_backoff: float) -> None:
        self._name = name
        self._idle_interval = idle_interval
        self._max_backoff = max_backoff
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return self._name

    @abstractmethod
    async def step(self) -> bool:
        """Do one round of work; return whether more may be waiting right away."""

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError(f"{self._name} is already running")
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        """Let the current step finish, then end the loop; cancel a step stuck past a timeout."""
        if self._task is None:
            return
        self._stopping.set()
        task, self._task = self._task, None
        done, _ = await asyncio.wait({task}, timeout=STOP_TIMEOUT)
        if not done:
            # A cancelled step rolls its transaction back; its entry or rows are
            # picked up again later, as after a crash.
            log.warning("%s did not stop within %g s: cancelling it", self._name, STOP_TIMEOUT)
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    async def _run(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                more = await self.step()
            except (RedisError, SQLAlchemyError, OSError) as exc:
                failures += 1
                log.warning("%s: %s (retry %d)", self._name, exc, failures)
            except Exception:
                failures += 1
                log.exception("%s failed (retry %d)", self._name, failures)
            else:
                failures = 0
                if not more:
                    await self.pause(self._idle_interval)
                continue
            await self.pause(self._backoff(failures))

    def _backoff(self, failures: int) -> float:
        return min(self._max_backoff, 0.05 * 2.0**failures) * random.uniform(0.5, 1.0)

    async def pause(self, seconds: float) -> None:
        """Sleep, but wake at once when asked to stop."""
        if seconds <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
