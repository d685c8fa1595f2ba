"""Errors raised while planning.

PlanningError               the operation cannot be planned
├── PlanningBudgetExceeded  the search took more steps than its budget
└── UnsatisfiableField      no subgraph can resolve a field on this path
"""

from __future__ import annotations


class PlanningError(Exception):
    """The operation cannot be planned."""


class PlanningBudgetExceeded(PlanningError):
    """The search took more steps than its budget; the operation is too costly to plan."""


class UnsatisfiableField(PlanningError):
    """No subgraph can resolve a field on this path (the supergraph is not satisfiable)."""
