"""Client operations: ``prepare(supergraph, query, operation_name) -> Operation``.

Parses, validates against the API schema, picks the operation and normalises
it in small passes (conditions, fragment placement, field merging);
``authorize(operation, supergraph, access)`` then removes what the request may
not see.
"""

from router.operation.authorize import Authorized, UnauthorizedPath, authorize
from router.operation.errors import OperationError
from router.operation.model import (
    Condition,
    Deferred,
    Field,
    Fragment,
    Operation,
    Selection,
    VariableDefinition,
)
from router.operation.prepare import prepare

__all__ = [
    "Authorized",
    "Condition",
    "Deferred",
    "Field",
    "Fragment",
    "Operation",
    "OperationError",
    "Selection",
    "UnauthorizedPath",
    "VariableDefinition",
    "authorize",
    "prepare",
]
