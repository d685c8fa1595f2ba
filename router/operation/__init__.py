"""Client operations: ``prepare(supergraph, query, operation_name) -> Operation``.

Parses, validates against the API schema, picks the operation and normalises
it in small passes (conditions, fragment placement, field merging).
"""

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
    "Condition",
    "Deferred",
    "Field",
    "Fragment",
    "Operation",
    "OperationError",
    "Selection",
    "VariableDefinition",
    "prepare",
]
