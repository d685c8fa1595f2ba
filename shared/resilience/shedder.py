"""Adaptive load shedding, as go-zero's ``load.adaptiveShedder``.

A service past capacity answers OVERLOADED at once instead of queueing, so
the requests it does admit keep their latency. Capacity is estimated from
the service's own recent history over a rolling window (5 s, 50 buckets):

    max_flight = max requests finished in one bucket * buckets per second
                 * shortest average latency of a bucket (s)

that is, Little's law at the best throughput and latency seen lately. A
request is shed when the process is hot (CPU above ``cpu_threshold``, or a
request was shed in the last second, the cool-off that stops flapping) and
more than ``max_flight`` requests are in flight. ``max_in_flight``, when
set, is a hard bound on top: never more admitted requests in flight than it.

CPU is this process's share of one core (an event loop saturates one core),
sampled at most every 250 ms and smoothed with an exponential moving average
(β = 0.95), lazily on admission: no background task. Every shedder alive in
the process is listed by :func:`live_shedders`, for the metrics.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable

from shared.resilience.errors import Overloaded
from shared.resilience.window import RollingWindow

_LIVE: weakref.WeakSet[Shedder] = weakref.WeakSet()
_LIVE_LOCK = threading.Lock()


def live_shedders() -> list[Shedder]:
    """Every shedder in use in this process (safe to call from a scrape thread)."""
    with _LIVE_LOCK:
        return list(_LIVE)


_SAMPLE_EVERY = 0.25
_BETA = 0.95
_COOL_OFF = 1.0


class CpuUsage:
    """Smoothed CPU use of this process, 0.0 to 1.0 of one core."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        cpu_clock: Callable[[], float] = time.process_time,
    ) -> None:
        self._clock, self._cpu_clock = clock, cpu_clock
        self._at, self._cpu_at = clock(), cpu_clock()
        self.value = 0.0

    def sample(self) -> float:
        now = self._clock()
        if now - self._at >= _SAMPLE_EVERY:
            cpu = self._cpu_clock()
            used = min(1.0, (cpu - self._cpu_at) / (now - self._at))
            self.value = self.value * _BETA + used * (1 - _BETA)
            self._at, self._cpu_at = now, cpu
        return self.value


class Shedder:
    def __init__(
        self,
        name: str,
        *,
        server: str = "http",
        cpu_threshold: float = 0.9,
        max_in_flight: int | None = None,
        window: float = 5.0,
        buckets: int = 50,
        clock: Callable[[], float] = time.monotonic,
        cpu: Callable[[], float] | None = None,
    ) -> None:
        self.name = name
        self.server = server
        """What it guards: ``http`` (the GraphQL endpoint) or ``grpc`` (the gRPC server)."""
        self._cpu_threshold = cpu_threshold
        self._max_in_flight = max_in_flight
        self._clock = clock
        self._cpu = cpu or CpuUsage(clock=clock).sample
        self._latencies = RollingWindow(span=window, buckets=buckets, clock=clock)
        self._dropped_at: float | None = None
        self.in_flight = 0
        self.shed = 0
        with _LIVE_LOCK:
            _LIVE.add(self)

    def _max_flight(self) -> float:
        live = [b for b in self._latencies.buckets() if b.count]
        if not live:
            return float("inf")
        max_pass = max(b.count for b in live)
        min_latency = min(b.total / b.count for b in live)
        return max(1.0, max_pass * self._latencies.buckets_per_second * min_latency)

    def _hot(self) -> bool:
        if self._cpu() > self._cpu_threshold:
            return True
        return self._dropped_at is not None and self._clock() - self._dropped_at < _COOL_OFF

    def _at_bound(self) -> bool:
        return self._max_in_flight is not None and self.in_flight >= self._max_in_flight

    def admit(self) -> Callable[[], None]:
        """Admit one request, or raise :class:`Overloaded` at once.

        Call the returned function when the admitted request has finished.
        """
        if self._at_bound():
            self.shed += 1
            raise Overloaded(self.name)
        if self._hot() and self.in_flight > self._max_flight():
            self._dropped_at = self._clock()
            self.shed += 1
            raise Overloaded(self.name)
        self.in_flight += 1
        started = self._clock()

        def done() -> None:
            self.in_flight -= 1
            self._latencies.add(self._clock() - started)

        return done
