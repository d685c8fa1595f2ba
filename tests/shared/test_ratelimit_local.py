"""Rate limits with Redis down: the same windows, counted in the process, bounded in memory."""

from __future__ import annotations

import pytest

from shared.errors import RateLimited
from shared.ratelimit import RateLimiter, Window
from shared.ratelimit_local import LocalWindows
from shared.redis import create_redis
from shared.telemetry.metrics import RATELIMIT_LOCAL, RATELIMIT_LOCAL_DECISIONS
from tests.conftest import REDIS_URL


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_full_window_refuses_without_counting_in_the_others() -> None:
    clock = Clock()
    local = LocalWindows(clock=clock)
    windows = [("account", 2, 60), ("network", 10, 60)]
    assert local.reserve(windows) == (1, 0, 0)
    assert local.reserve(windows) == (1, 0, 0)
    clock.now += 15
    assert local.reserve(windows) == (0, 45, 1)
    assert local.reserve([("network", 10, 60)]) == (1, 0, 0)  # 3: the refusal counted nothing
    local.release(["account"])
    assert local.reserve(windows) == (1, 0, 0)
    clock.now += 60
    assert local.reserve(windows) == (1, 0, 0)  # a new window


def test_cooldown_and_reset() -> None:
    clock = Clock()
    local = LocalWindows(clock=clock)
    assert local.cooldown("code", 30) == 0
    clock.now += 10
    assert local.cooldown("code", 30) == 20
    local.reset(["code"])
    assert local.cooldown("code", 30) == 0


def test_a_flood_of_keys_cannot_grow_the_counters_past_their_bound() -> None:
    clock = Clock()
    local = LocalWindows(max_keys=100, clock=clock)
    for n in range(1000):
        local.reserve([(f"ip{n}", 5, 60)])
    assert len(local) == 100


async def test_with_redis_down_limits_still_hold_and_say_so() -> None:
    limiter = RateLimiter(create_redis("redis://127.0.0.1:1/0"), service="probe")
    window = Window("probe:limit:x", 3, 60, "Too many tries. Wait a minute.")
    decisions = RATELIMIT_LOCAL_DECISIONS.labels("probe")._value.get()
    for _ in range(3):
        await limiter.reserve(window)
    with pytest.raises(RateLimited) as caught:
        await limiter.reserve(window)
    assert caught.value.extensions == {"code": "RATE_LIMITED", "retryAfter": 60}
    assert limiter.counting_locally
    assert RATELIMIT_LOCAL.labels("probe")._value.get() == 1
    assert RATELIMIT_LOCAL_DECISIONS.labels("probe")._value.get() == decisions + 4


async def test_the_limiter_goes_back_to_redis_when_it_answers(redis_prefix: str) -> None:
    redis = create_redis(REDIS_URL)
    limiter = RateLimiter(redis, service="probe-back")
    limiter._switch(True, OSError("was down"))  # as after a failed call
    window = Window(f"{redis_prefix}limit:y", 1, 60, "Wait.")
    await limiter.reserve(window)
    assert not limiter.counting_locally
    assert RATELIMIT_LOCAL.labels("probe-back")._value.get() == 0
    assert await redis.get(window.key) == "1"
    await redis.aclose()
