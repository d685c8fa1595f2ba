"""Operation limits: refuse an operation too big to validate and plan, before either runs.

Counted after fragment expansion (:mod:`router.operation.shape`), each with
its own code so a client can tell which one it met. The defaults are Apollo
Router's suggested limits (depth 100, height 200, aliases 30, root fields
20, its parser's 15,000 tokens) and GraphQL Armor's 50 directives; the cost
limit lets the nested lists of the standard gateway benchmark query through
with room to spare.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.errors import ErrorCode
from router.operation.errors import OperationRefused
from router.operation.shape import Shape


@dataclass(frozen=True, slots=True)
class OperationLimits:
    max_tokens: int = 15_000
    max_depth: int = 100
    max_height: int = 200
    max_aliases: int = 30
    max_root_fields: int = 20
    max_directives: int = 50
    max_cost: int = 1_000_000
    list_size: int = 10


# (code, what is counted, the shape's figure, the limit)
_CHECKS = (
    (ErrorCode.MAX_DEPTH_LIMIT, "depth", "depth", "max_depth"),
    (ErrorCode.MAX_HEIGHT_LIMIT, "fields", "height", "max_height"),
    (ErrorCode.MAX_ALIASES_LIMIT, "aliases", "aliases", "max_aliases"),
    (ErrorCode.MAX_DIRECTIVES_LIMIT, "directives", "directives", "max_directives"),
    (ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE, "estimated cost", "cost", "max_cost"),
)


def check_limits(shape: Shape, limits: OperationLimits) -> None:
    """Raise :class:`OperationRefused` for the first limit ``shape`` exceeds."""
    root_fields = shape.root_fields.total()
    if root_fields > limits.max_root_fields:
        raise _refused(
            ErrorCode.MAX_ROOT_FIELDS_LIMIT, "root fields", root_fields, limits.max_root_fields
        )
    for code, what, figure, limit in _CHECKS:
        value: int = getattr(shape, figure)
        allowed: int = getattr(limits, limit)
        if value > allowed:
            raise _refused(code, what, value, allowed)


def tokens_exceeded(limits: OperationLimits) -> OperationRefused:
    return OperationRefused(
        ErrorCode.MAX_TOKENS_LIMIT,
        f"The operation has more than {limits.max_tokens} tokens: send a smaller document.",
    )


def _refused(code: ErrorCode, what: str, value: int, limit: int) -> OperationRefused:
    return OperationRefused(
        code,
        f"The operation's {what} ({value}, counted with fragments expanded) exceed the limit "
        f"of {limit}: split it into smaller operations.",
    )
