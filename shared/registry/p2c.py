"""Power of two choices on EWMA latency and in-flight calls, as go-zero's p2c balancer.

Each pick draws two endpoints at random and takes the one with the lower load

    load = sqrt(ewma latency in ms + 1) * (in-flight calls + 1)

unless only one of the two is healthy (its EWMA success rate is at least
0.5). A failed call counts as at least ``PENALTY`` (1 s) of latency, so an
endpoint that fails fast (connection refused) does not look cheap. Latency and success decay with the time since the endpoint's last
answer (``w = exp(-elapsed / 10 s)``), so old history fades; an endpoint not
picked for a second is picked once regardless, so a recovered one is seen
again. A new endpoint starts with no latency and no calls: it is the
cheapest, and takes traffic from its first pick. A pick is O(1).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Collection, Iterable

_DECAY = 10.0
_FORCE_PICK = 1.0
_HEALTHY = 0.5
PENALTY = 1.0


class Endpoint:
    __slots__ = ("_clock", "address", "answered_at", "in_flight", "latency", "picked_at", "success")

    def __init__(self, address: str, clock: Callable[[], float]) -> None:
        self.address = address
        self._clock = clock
        self.latency = 0.0
        self.success = 1.0
        self.in_flight = 0
        self.answered_at = self.picked_at = clock()

    @property
    def load(self) -> float:
        return math.sqrt(self.latency * 1000 + 1) * (self.in_flight + 1)

    @property
    def healthy(self) -> bool:
        return self.success >= _HEALTHY

    def finished(self, latency: float, *, ok: bool) -> None:
        """Record one call's outcome: its latency in seconds and whether it succeeded."""
        now = self._clock()
        self.in_flight -= 1
        weight = math.exp(-max(0.0, now - self.answered_at) / _DECAY)
        self.answered_at = now
        if not ok:
            latency = max(latency, PENALTY)
            self.latency = max(self.latency, latency)
        self.latency = self.latency * weight + latency * (1 - weight)
        self.success = self.success * weight + (1.0 if ok else 0.0) * (1 - weight)


class P2C:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._endpoints: dict[str, Endpoint] = {}

    @property
    def addresses(self) -> frozenset[str]:
        return frozenset(self._endpoints)

    def update(self, addresses: Iterable[str]) -> None:
        """Serve ``addresses`` from now on, keeping the statistics of those already known."""
        wanted = set(addresses)
        self._endpoints = {
            address: self._endpoints.get(address) or Endpoint(address, self._clock)
            for address in sorted(wanted)
        }

    def pick(self, *, besides: Collection[str] = ()) -> Endpoint | None:
        """The endpoint for the next call (counted in flight), or ``None`` when there is none.

        ``besides`` names endpoints not to pick (those a call already failed on).
        """
        endpoints = [e for e in self._endpoints.values() if e.address not in besides]
        if not endpoints:
            return None
        if len(endpoints) == 1:
            chosen = endpoints[0]
        else:
            first, second = random.sample(endpoints, 2)
            if first.load > second.load:
                first, second = second, first
            # first is now the less loaded one
            if self._clock() - second.picked_at > _FORCE_PICK:
                chosen = second
            elif first.healthy or not second.healthy:
                chosen = first
            else:
                chosen = second
        chosen.in_flight += 1
        chosen.picked_at = self._clock()
        return chosen
