"""A rolling window of counters in time buckets: the statistics breakers and shedders keep.

The window is ``buckets`` slots of ``span / buckets`` seconds each. Adding
finds the current slot from the clock and clears every slot that has expired
since the last add, so adding is O(buckets) at worst and nothing runs in the
background. The sums over all slots are kept as slots change, so
:meth:`RollingWindow.totals` is O(1) while no slot has expired since the
last add (a breaker asks it on every call).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class Bucket:
    count: int = 0
    total: float = 0.0


class RollingWindow:
    def __init__(self, *, span: float, buckets: int, clock: Callable[[], float]) -> None:
        self._width = span / buckets
        self._buckets = [Bucket() for _ in range(buckets)]
        self._clock = clock
        self._tick = int(clock() / self._width)
        self._count = 0
        self._total = 0.0

    def _advance(self) -> Bucket:
        tick = int(self._clock() / self._width)
        stale = min(tick - self._tick, len(self._buckets))
        for step in range(1, stale + 1):
            bucket = self._buckets[(self._tick + step) % len(self._buckets)]
            self._count -= bucket.count
            self._total -= bucket.total
            bucket.count, bucket.total = 0, 0.0
        self._tick = max(tick, self._tick)
        return self._buckets[self._tick % len(self._buckets)]

    def add(self, value: float) -> None:
        bucket = self._advance()
        bucket.count += 1
        bucket.total += value
        self._count += 1
        self._total += value

    def totals(self) -> tuple[int, float]:
        """The counts and totals summed over the live buckets, changing nothing.

        Safe to call from another thread (a metrics scrape) while the loop adds.
        """
        slots = len(self._buckets)
        stale = min(max(0, int(self._clock() / self._width) - self._tick), slots)
        if stale == slots:
            return 0, 0.0
        count, total = self._count, self._total
        for step in range(1, stale + 1):
            bucket = self._buckets[(self._tick + step) % slots]
            count -= bucket.count
            total -= bucket.total
        return count, total

    def buckets(self) -> list[Bucket]:
        """The live buckets (expired ones are cleared first)."""
        self._advance()
        return self._buckets

    @property
    def buckets_per_second(self) -> float:
        return 1 / self._width
