"""Introspection answered locally: ``__schema`` and ``__type`` run on the API schema with graphql-core.

Only the introspection root fields are executed (a copy of the operation
keeping just those selections), so their answers can be merged with what the
subgraphs returned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    execute_sync,
)

from router.errors import formatted_error
from router.execution.request import ExecutionRequest
from router.execution.shaping import PRESHAPED_ROOT_FIELDS, FieldGroups


def introspection_fields(fields: FieldGroups) -> list[FieldNode]:
    return [
        node
        for nodes in fields.values()
        for node in nodes
        if node.name.value in PRESHAPED_ROOT_FIELDS
    ]


def execute_introspection(
    request: ExecutionRequest,
    operation: OperationDefinitionNode,
    nodes: list[FieldNode],
    variables: Mapping[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Data keyed by response name, and errors, for the introspection root fields ``nodes``."""
    only_introspection = OperationDefinitionNode(
        operation=OperationType.QUERY,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=(),
        selection_set=SelectionSetNode(selections=tuple(nodes)),
    )
    fragments = tuple(
        d for d in request.document.definitions if not isinstance(d, OperationDefinitionNode)
    )
    document = DocumentNode(definitions=(only_introspection, *fragments))
    result = execute_sync(request.schema, document, variable_values=dict(variables))
    errors = [formatted_error(e) for e in result.errors or ()]
    return dict(result.data or {}), errors
