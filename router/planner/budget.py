"""A step counter that stops a pathological planning search, and the planner's default limits."""

from __future__ import annotations

from router.planner.errors import PlanningBudgetExceeded

DEFAULT_BUDGET = 100_000
# Distinct @defer(if: $v) variables planned: 2^n plans for n of them.
DEFAULT_MAX_DEFER_CONDITIONS = 4


class Budget:
    __slots__ = ("limit", "used")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, steps: int = 1) -> None:
        self.used += steps
        if self.used > self.limit:
            raise PlanningBudgetExceeded(
                f"planning this operation took more than {self.limit} steps; simplify the "
                "operation (fewer nested or repeated selections) or raise the planning budget"
            )
