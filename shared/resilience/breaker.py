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

Every breaker alive in the process is listed by :func:`live_breakers` (a weak
set: a dropped breaker leaves it), which the metrics read at scrape time, so
the call path pays nothing for being observed.
"""

from __future__ import annotations

import random
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from shared.resilience.errors import BreakerOpen
from shared.resilience.window import RollingWindow

_LIVE: weakref.WeakSet[Breaker] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def live_breakers() -> list[Breaker]:
    """Every breaker in use in this process (safe to call from a scrape thread)."""
    with _LIVE_LOCK:
        return list(_LIVE)


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
        target: str = "",
        kind: str = "grpc",
        k: float = 1.5,
        protection: int = 5,
        window: float = 10.0,
        buckets: int = 40,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.name = name
        self.target = target
        """The endpoint guarded (an address or URL); empty when one breaker covers them all."""
        self.kind = kind
        """What is called: ``grpc`` (a service's channel) or ``subgraph`` (the router's fetches)."""
        self._k = k
        self._protection = protection
        self._window = RollingWindow(span=window, buckets=buckets, clock=clock)
        self._rand = rand
        self.dropped = 0
        """Calls dropped locally since the breaker was made."""
        with _LIVE_LOCK:
            _LIVE.add(self)

    def retire(self) -> None:
        """Stop listing this breaker (its endpoint is gone)."""
        with _LIVE_LOCK:
            _LIVE.discard(self)

    def allow(self) -> None:
        """Raise :class:`BreakerOpen` if this call should be dropped; else let it through."""
        total, accepted = self._window.totals()
        ratio = self._drop_ratio(total, int(accepted))
        if ratio > 0 and self._rand() < ratio:
            self.dropped += 1
            raise BreakerOpen(self.name)

    def record(self, *, accepted: bool) -> None:
        self._window.add(1.0 if accepted else 0.0)

    def snapshot(self) -> BreakerState:
        total, accepted = self._window.totals()
        accepts = int(accepted)
        return BreakerState(self.name, accepts, total, self._drop_ratio(total, accepts))

    def _drop_ratio(self, total: int, accepts: int) -> float:
        return max(0.0, (total - self._protection - self._k * accepts) / (total + 1))
