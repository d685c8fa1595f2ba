"""Execution failures that are not GraphQL field errors.

::

    ExecutionError            the plan or request cannot be executed at all
    └── PlanShapeError        the plan breaks the vocabulary's contract
                              (a Flatten around something that is not a Fetch,
                              a mutation/subscription root the schema lacks)

Everything that goes wrong while running a sound plan (a subgraph down, an
error in a subgraph, a null where the schema forbids one) becomes a GraphQL
error in :class:`~router.execution.request.ExecutionResult`, never an
exception, so the client gets partial data.
"""

from __future__ import annotations


class ExecutionError(Exception):
    pass


class PlanShapeError(ExecutionError):
    pass
