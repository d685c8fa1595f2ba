"""The query planner: ``plan(supergraph, operation, *, budget) -> QueryPlan`` and ``print_plan``.

Pure and synchronous. Stages, one module each: :mod:`.capabilities` (what a
subgraph answers), :mod:`.cost` and :mod:`.cover` (choosing subgraphs),
:mod:`.walk` (placing selections into fetch groups), :mod:`.emit` (fetch
groups to plan nodes), :mod:`.printer` (plan text).
"""

from router.planner.budget import DEFAULT_BUDGET, DEFAULT_MAX_DEFER_CONDITIONS
from router.planner.defer import defer_variables, defers_always
from router.planner.errors import (
    PlanningBudgetExceeded,
    PlanningError,
    TooManyDeferConditions,
    UnknownInputValue,
    UnsatisfiableField,
)
from router.planner.planner import plan
from router.planner.printer import print_plan

__all__ = [
    "DEFAULT_BUDGET",
    "DEFAULT_MAX_DEFER_CONDITIONS",
    "PlanningBudgetExceeded",
    "PlanningError",
    "TooManyDeferConditions",
    "UnknownInputValue",
    "UnsatisfiableField",
    "defer_variables",
    "defers_always",
    "plan",
    "print_plan",
]
