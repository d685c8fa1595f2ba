"""Fixed-window counters in this process: what rate limits fall back to while Redis is down.

The same semantics as the Redis script in :mod:`shared.ratelimit` (reserve
in every window or in none, give back, cooldown, reset), kept in a dict of
``key → [count, expires at]`` on the monotonic clock. The dict is bounded
(``max_keys``): when full, expired windows are dropped first, then the
oldest ones, so a flood of distinct keys costs memory it cannot grow past.
Everything runs on the event loop with no await, so it is atomic as the
script is.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence

MAX_KEYS = 100_000


class LocalWindows:
    def __init__(
        self, *, max_keys: int = MAX_KEYS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._max_keys = max_keys
        self._clock = clock
        self._windows: dict[str, list[float]] = {}

    def __len__(self) -> int:
        return len(self._windows)

    def _live(self, key: str, now: float) -> list[float] | None:
        window = self._windows.get(key)
        if window is not None and window[1] <= now:
            del self._windows[key]
            return None
        return window

    def _open(self, key: str, seconds: int, now: float) -> list[float]:
        if len(self._windows) >= self._max_keys:
            for old in [k for k, (_, ends) in self._windows.items() if ends <= now]:
                del self._windows[old]
            while len(self._windows) >= self._max_keys:
                del self._windows[next(iter(self._windows))]
        window = self._windows[key] = [0, now + seconds]
        return window

    def reserve(self, windows: Sequence[tuple[str, int, int]]) -> tuple[int, int, int]:
        """``(key, limit, seconds)`` each: ``(1, 0, 0)`` when counted in all, else
        ``(0, seconds left, 1-based index of the full window)`` with nothing counted."""
        now = self._clock()
        for index, (key, limit, _) in enumerate(windows, start=1):
            window = self._live(key, now)
            if window is not None and window[0] >= limit:
                return 0, max(1, math.ceil(window[1] - now)), index
        for key, _, seconds in windows:
            window = self._live(key, now) or self._open(key, seconds, now)
            window[0] += 1
        return 1, 0, 0

    def release(self, keys: Iterable[str]) -> None:
        now = self._clock()
        for key in keys:
            window = self._live(key, now)
            if window is not None and window[0] > 0:
                window[0] -= 1

    def cooldown(self, key: str, seconds: int) -> int:
        """0 when the cooldown starts now; else the seconds left of the one running."""
        now = self._clock()
        window = self._live(key, now)
        if window is not None:
            return max(1, math.ceil(window[1] - now))
        self._open(key, seconds, now)[0] = 1
        return 0

    def reset(self, keys: Iterable[str]) -> None:
        for key in keys:
            self._windows.pop(key, None)
