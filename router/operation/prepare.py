"""``prepare()``: parse, validate against the API schema, pick the operation, normalise."""

from __future__ import annotations

from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    print_ast,
    validate,
)

from router.operation.errors import OperationError
from router.operation.model import Operation, VariableDefinition
from router.operation.normalize import Normalizer, OperationTooLarge
from router.plan.nodes import OperationKind
from router.supergraph import Supergraph


def prepare(supergraph: Supergraph, query: str, operation_name: str | None = None) -> Operation:
    """Validate ``query`` against the supergraph's API schema and normalise one operation.

    Raises :class:`OperationError` with located GraphQL errors. ``@inaccessible``
    elements are absent from the API schema, so naming one fails validation.
    """
    try:
        document = parse(query)
    except GraphQLSyntaxError as error:
        raise OperationError([error]) from None
    errors = validate(supergraph.api_schema, document)
    if errors:
        raise OperationError(list(errors))
    definition = _choose(
        [d for d in document.definitions if isinstance(d, OperationDefinitionNode)],
        operation_name,
    )
    kind = OperationKind(definition.operation.value)
    root_type = supergraph.root_types.get(kind.value)
    if root_type is None:
        raise OperationError([GraphQLError(f"The schema has no {kind.value} type.", definition)])
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    try:
        selections, deferred = Normalizer(supergraph, fragments).selection_set(
            definition.selection_set, root_type
        )
    except OperationTooLarge as too_large:
        raise OperationError(
            [
                GraphQLError(
                    f"The operation selects more than {too_large.args[0]} fields once its "
                    "fragments are expanded; split it or reuse fewer fragments.",
                    definition,
                )
            ]
        ) from None
    return Operation(
        kind=kind,
        name=definition.name.value if definition.name else None,
        root_type=root_type,
        selections=selections,
        variables=tuple(
            VariableDefinition(
                v.variable.name.value,
                print_ast(v.type),
                print_ast(v.default_value) if v.default_value else None,
            )
            for v in definition.variable_definitions or ()
        ),
        document=document,
        definition=definition,
        deferred=deferred,
    )


def _choose(
    definitions: list[OperationDefinitionNode], operation_name: str | None
) -> OperationDefinitionNode:
    if operation_name is None:
        if len(definitions) == 1:
            return definitions[0]
        raise OperationError(
            [
                GraphQLError(
                    "Must provide operation name if query contains multiple operations.",
                    definitions,
                )
            ]
        )
    for definition in definitions:
        if definition.name and definition.name.value == operation_name:
            return definition
    raise OperationError([GraphQLError(f'Unknown operation named "{operation_name}".')])
