"""The SRE adaptive throttling breaker: closed while the dependency answers, throttling as it fails."""

from __future__ import annotations

import pytest

from shared.errors import ErrorCode
from shared.resilience.breaker import Breaker
from shared.resilience.errors import BreakerOpen


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _drive(breaker: Breaker, calls: int, *, accepted: bool) -> int:
    """Make ``calls`` calls that the dependency answers ``accepted``; return how many were dropped."""
    dropped = 0
    for _ in range(calls):
        try:
            breaker.allow()
        except BreakerOpen:
            dropped += 1
            continue
        breaker.record(accepted=accepted)
    return dropped


def test_a_healthy_dependency_never_has_calls_dropped() -> None:
    breaker = Breaker("social", clock=Clock())
    assert _drive(breaker, 1000, accepted=True) == 0
    assert breaker.snapshot().state == "closed"


def test_a_failing_dependency_gets_most_calls_dropped_but_still_probed() -> None:
    breaker = Breaker("social", clock=Clock())
    dropped = _drive(breaker, 1000, accepted=False)
    # Every call failed: the drop ratio tends to 1, but protection calls and the
    # random draw keep a trickle of probes going to the dependency.
    assert 800 < dropped < 1000
    state = breaker.snapshot()
    assert state.state == "open" and state.accepts == 0 and state.total == 1000 - dropped


def test_the_drop_ratio_follows_the_formula() -> None:
    breaker = Breaker("social", clock=Clock(), rand=lambda: 1.0)  # never drop
    for accepted in [True] * 10 + [False] * 30:
        breaker.record(accepted=accepted)
    state = breaker.snapshot()
    assert state.drop_ratio == pytest.approx((40 - 5 - 1.5 * 10) / 41)


def test_failures_age_out_of_the_window_and_the_breaker_closes() -> None:
    clock = Clock()
    breaker = Breaker("social", clock=clock, window=10.0, buckets=40)
    _drive(breaker, 200, accepted=False)
    assert breaker.snapshot().state == "open"
    clock.now += 10.0
    assert breaker.snapshot().total == 0
    assert _drive(breaker, 100, accepted=True) == 0


def test_recovery_needs_no_timer_the_probes_close_it() -> None:
    clock = Clock()
    breaker = Breaker("social", clock=clock)
    _drive(breaker, 200, accepted=False)
    # The dependency is back: the calls that pass succeed and the ratio falls to 0.
    for _ in range(40):
        clock.now += 0.25
        _drive(breaker, 10, accepted=True)
    assert breaker.snapshot().state == "closed"


def test_an_open_breaker_fails_fast_with_a_coded_error() -> None:
    breaker = Breaker("social", clock=Clock(), rand=lambda: 0.0)  # drop whenever ratio > 0
    for _ in range(20):
        breaker.record(accepted=False)
    with pytest.raises(BreakerOpen) as caught:
        breaker.allow()
    assert caught.value.extensions == {
        "code": ErrorCode.UNAVAILABLE.value,
        "retryAfter": 1,
        "service": "social",
    }
