"""Retries: only retryable failures, never past the budget, the attempts or the deadline."""

from __future__ import annotations

import pytest

from shared.resilience.retry import RetryBudget, backoff, retrying


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError("down")
        return "ok"


def _transient(exc: Exception) -> bool:
    return isinstance(exc, ConnectionError)


async def test_a_transient_failure_is_retried_until_it_succeeds() -> None:
    call = Flaky(failures=2)
    assert await retrying(call, budget=RetryBudget(), retryable=_transient, attempts=3) == "ok"
    assert call.calls == 3


async def test_attempts_bound_the_retries() -> None:
    call = Flaky(failures=5)
    with pytest.raises(ConnectionError):
        await retrying(call, budget=RetryBudget(), retryable=_transient, attempts=3)
    assert call.calls == 3


async def test_a_failure_that_is_not_retryable_is_raised_at_once() -> None:
    call = Flaky(failures=1)
    with pytest.raises(ConnectionError):
        await retrying(call, budget=RetryBudget(), retryable=lambda _: False)
    assert call.calls == 1


async def test_the_budget_keeps_retries_a_fraction_of_the_traffic() -> None:
    budget = RetryBudget(ratio=0.1, max_tokens=2)
    calls = [Flaky(failures=100) for _ in range(50)]
    for call in calls:
        with pytest.raises(ConnectionError):
            await retrying(call, budget=budget, retryable=_transient, attempts=2)
    retries = sum(call.calls - 1 for call in calls)
    # 2 saved tokens, then one more per 10 first attempts: 2 + 50 * 0.1 = 7 at most.
    assert retries <= 7
    assert retries >= 2


async def test_no_retry_starts_past_the_deadline() -> None:
    call = Flaky(failures=1)
    with pytest.raises(ConnectionError):
        await retrying(
            call, budget=RetryBudget(), retryable=_transient, deadline=0.0, clock=lambda: 0.0
        )
    assert call.calls == 1


def test_backoff_is_jittered_within_its_exponential_cap() -> None:
    pauses = [backoff(3, base=0.02, cap=0.5) for _ in range(200)]
    assert all(0 <= pause <= 0.08 for pause in pauses)
    assert len(set(pauses)) > 150
    assert all(0 <= backoff(20, base=0.02, cap=0.5) <= 0.5 for _ in range(50))
