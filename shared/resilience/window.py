"""A rolling window of counters in time buckets: the statistics breakers and shedders keep.

The window is ``buckets`` slots of ``span / buckets`` seconds each. Adding
finds the current slot from the clock and clears every slot that has expired
since the last add, so both adding and summing are O(buckets) at worst and
nothing runs in the background.
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

    def _advance(self) -> Bucket:
        tick = int(self._clock() / self._width)
        stale = min(tick - self._tick, len(self._buckets))
        for step in range(1, stale + 1):
            bucket = self._buckets[(self._tick + step) % len(self._buckets)]
            bucket.count, bucket.total = 0, 0.0
        self._tick = max(tick, self._tick)
        return self._buckets[self._tick % len(self._buckets)]

    def add(self, value: float) -> None:
        bucket = self._advance()
        bucket.count += 1
        bucket.total += value

    def buckets(self) -> list[Bucket]:
        """The live buckets (expired ones are cleared first)."""
        self._advance()
        return self._buckets

    @property
    def buckets_per_second(self) -> float:
        return 1 / self._width
