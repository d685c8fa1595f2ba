"""Why an operation is not prepared: the GraphQL errors the client gets, nothing executed.

::

    OperationRejected            parse or validation errors, an unknown operation,
    │                            a value no subgraph accepts, or no plan
    └── PlanningBudgetExceeded   too costly to plan: the step budget ran out, or
                                 more ``@defer(if: $v)`` variables than the cap
"""

from __future__ import annotations

from typing import Any

from router.errors import ErrorCode, error


class OperationRejected(Exception):
    """Carries the GraphQL errors (with ``extensions.code``) as the client receives them."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(errors[0]["message"] if errors else "Invalid operation")
        self.errors = errors

    def graphql_errors(self) -> list[dict[str, Any]]:
        return self.errors


class PlanningBudgetExceeded(OperationRejected):
    def __init__(self, message: str, code: ErrorCode = ErrorCode.OPERATION_TOO_COMPLEX) -> None:
        super().__init__([error(message, code)])
