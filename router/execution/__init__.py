"""Plan execution and response shaping: ``await execute(plan, request, transport)``.

Modules follow the request: :mod:`~router.execution.executor` (the entry
point and the plan walk), :mod:`~router.execution.run` (variables, one pass's
tree, the shaped answer), :mod:`~router.execution.subscription` (a
subscription's events, each a pass over the plan's ``Rest``),
:mod:`~router.execution.defer` (a deferred plan's answer in parts),
:mod:`~router.execution.input_values` (variable values a subgraph would
reject), :mod:`~router.execution.fetch` (one fetch node),
:mod:`~router.execution.cached_fetch` (one fetch node through the entity cache),
:mod:`~router.execution.representations` and :mod:`~router.execution.tree`
(entity plumbing), :mod:`~router.execution.subgraph_errors`,
:mod:`~router.execution.introspection` and :mod:`~router.execution.shaping`
(the client's answer). :mod:`~router.execution.native` says whether the
hot path among them runs compiled (mypyc) or as Python; it is imported
first, before any of them.
"""

from __future__ import annotations

# First: it decides whether the hot path below is imported compiled or as Python.
from router.execution import native
from router.execution.defer import execute_incremental
from router.execution.errors import ExecutionError, PlanShapeError
from router.execution.executor import execute
from router.execution.request import ExecutionRequest, ExecutionResult
from router.execution.subgraph_errors import ErrorMode, SubgraphErrorPolicy
from router.execution.subscription import subscribe

__all__ = [
    "ErrorMode",
    "ExecutionError",
    "ExecutionRequest",
    "ExecutionResult",
    "PlanShapeError",
    "SubgraphErrorPolicy",
    "execute",
    "execute_incremental",
    "native",
    "subscribe",
]
