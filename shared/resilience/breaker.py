"""Circuit breaking by Google SRE adaptive throttling, as go-zero's ``googlebreaker``.

Each breaker keeps, over a rolling window (10 s in 40 buckets), how many calls
it let through (``total``) and how many of those the dependency accepted
(``accepts``). A new call is dropped locally with probability

    max(0, (total - protection - k * accepts) / (total + 1))

so while the dependency answers, nothing is dropped; as it fails, the share
dropped rises smoothly with the share failing, and a trickle of calls keeps
probing it, so recovery needs no timer and no half-open state. ``k = 1.5``
lets through 1.5x the accepted calls; ``protection`` calls per window always
pass. Each check and record costs O(buckets) list work and no I/O.

"Accepted" means the dependency did its job, even if the answer was an
error of the caller's making (not found, bad input): callers classify with
``record(accepted=…)``. A breaker is per endpoint: one per gRPC target or
subgraph URL, so one bad replica trips its own breaker only.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from shared.resilience.errors import BreakerOpen
from shared.resilience.window import RollingWindow


@dataclass(frozen=True, slots=True)
class BreakerState:
    name: str
    accepts: int
    total: int
    drop_ratio: float

    @property
    def state(self) -> str:
        return "open" if self.drop_ratio > 0 else "closed"


class Breaker:
    def __init__(
        self,
        name: str,
        *,
        k: float = 1.5,
        protection: int = 5,
        window: float = 10.0,
        buckets: int = 40,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.name = name
        self._k = k
        self._protection = protection
        self._window = RollingWindow(span=window, buckets=buckets, clock=clock)
        self._rand = rand

    def _counts(self) -> tuple[int, int]:
        buckets = self._window.buckets()
        return int(sum(b.total for b in buckets)), sum(b.count for b in buckets)

    def allow(self) -> None:
        """Raise :class:`BreakerOpen` if this call should be dropped; else let it through."""
        ratio = self.snapshot().drop_ratio
        if ratio > 0 and self._rand() < ratio:
            raise BreakerOpen(self.name)

    def record(self, *, accepted: bool) -> None:
        self._window.add(1.0 if accepted else 0.0)

    def snapshot(self) -> BreakerState:
        accepts, total = self._counts()
        ratio = max(0.0, (total - self._protection - self._k * accepts) / (total + 1))
        return BreakerState(self.name, accepts, total, ratio)
