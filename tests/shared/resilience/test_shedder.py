"""go-zero's adaptive shedder: admits while it keeps up, sheds past its capacity."""

from __future__ import annotations

import pytest

from shared.errors import ErrorCode
from shared.resilience.errors import Overloaded
from shared.resilience.shedder import CpuUsage, Shedder


class Clock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_a_hard_bound_is_never_exceeded() -> None:
    shedder = Shedder("articles", max_in_flight=3, cpu=lambda: 0.0)
    finish = [shedder.admit() for _ in range(3)]
    with pytest.raises(Overloaded) as caught:
        shedder.admit()
    assert caught.value.extensions == {"code": ErrorCode.OVERLOADED.value, "retryAfter": 1}
    assert shedder.in_flight == 3 and shedder.shed == 1
    finish[0]()
    shedder.admit()
    assert shedder.in_flight == 3


def test_a_cool_process_admits_everything() -> None:
    shedder = Shedder("articles", cpu=lambda: 0.2)
    for _ in range(500):
        shedder.admit()
    assert shedder.shed == 0


def test_a_hot_process_sheds_past_its_estimated_capacity() -> None:
    clock = Clock()
    cpu = [0.5]
    shedder = Shedder("articles", clock=clock, cpu=lambda: cpu[0])
    # History: 10 requests per 100 ms bucket, 10 at once, each taking 40 ms: Little's
    # law says 100 req/s * 0.04 s = 4 in flight.
    for _ in range(20):
        finish = [shedder.admit() for _ in range(10)]
        clock.now += 0.04
        for done in finish:
            done()
        clock.now += 0.06
    assert shedder.shed == 0
    cpu[0] = 0.95
    admitted, shed = [], 0
    for _ in range(20):
        try:
            admitted.append(shedder.admit())
        except Overloaded:
            shed += 1
    assert shedder.in_flight == len(admitted)
    assert len(admitted) == 5 and shed == 15  # admitted while in flight <= 4


def test_the_cpu_is_this_processes_share_of_a_core() -> None:
    clock, cpu = Clock(), Clock()
    usage = CpuUsage(clock=clock, cpu_clock=cpu)
    for _ in range(200):
        clock.now += 0.25
        cpu.now += 0.25  # busy the whole time
        usage.sample()
    assert usage.value > 0.99
    for _ in range(200):
        clock.now += 0.25  # idle
        usage.sample()
    assert usage.value < 0.01
