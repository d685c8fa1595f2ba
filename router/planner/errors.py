"""Errors raised while planning.

PlanningError               the operation cannot be planned
├── PlanningBudgetExceeded  the search took more steps than its budget
├── TooManyDeferConditions  more distinct ``@defer(if: $v)`` variables than planned
├── UnsatisfiableField      no subgraph can resolve a field on this path
└── UnknownInputValue       no subgraph resolving a field accepts the values its
                            arguments are given (an enum value or input field
                            the client API offers but those subgraphs lack)
"""

from __future__ import annotations


class PlanningError(Exception):
    """The operation cannot be planned."""


class PlanningBudgetExceeded(PlanningError):
    """The search took more steps than its budget; the operation is too costly to plan."""


class TooManyDeferConditions(PlanningError):
    """More distinct ``@defer(if: $v)`` variables than the planner plans (2^n plans for n)."""


class UnsatisfiableField(PlanningError):
    """No subgraph can resolve a field on this path (the supergraph is not satisfiable)."""


class UnknownInputValue(PlanningError):
    """A literal argument value (or a variable's default) no subgraph resolving the field accepts."""
