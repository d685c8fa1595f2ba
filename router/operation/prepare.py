"""``prepare()``: parse, validate against the API schema, pick the operation, normalise."""

from __future__ import annotations

from graphql import (
    DirectiveLocation,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    print_ast,
)

from router.operation.errors import OperationError
from router.operation.guard import OperationGuard
from router.operation.limits import tokens_exceeded
from router.operation.model import Operation, VariableDefinition
from router.operation.normalize import (
    Normalizer,
    OperationTooLarge,
    allowed_at,
    forwarded_directives,
)
from router.operation.validation import validate
from router.plan.nodes import OperationKind
from router.supergraph import Supergraph

# graphql-core's message when ``max_lexical_tokens`` stops the parser.
_TOO_MANY_TOKENS = "Syntax Error: Document contains more than"


def prepare(
    supergraph: Supergraph,
    query: str,
    operation_name: str | None = None,
    guard: OperationGuard | None = None,
) -> Operation:
    """Validate ``query`` against the supergraph's API schema and normalise one operation.

    Raises :class:`OperationError` with located GraphQL errors. ``@inaccessible``
    elements are absent from the API schema, so naming one fails validation.
    ``guard`` checks its rules between parsing and validation (raising
    :class:`~router.operation.errors.OperationRefused`), and bounds parsing
    by its token limit.
    """
    max_tokens = guard.limits.max_tokens if guard else None
    try:
        document = parse(query, max_lexical_tokens=max_tokens)
    except GraphQLSyntaxError as error:
        if guard and error.message.startswith(_TOO_MANY_TOKENS):
            raise tokens_exceeded(guard.limits) from None
        raise OperationError([error]) from None
    try:
        definition = _choose(
            [d for d in document.definitions if isinstance(d, OperationDefinitionNode)],
            operation_name,
        )
    except OperationError:
        invalid = validate(supergraph.api_schema, document)
        if invalid:
            raise OperationError(list(invalid)) from None
        raise
    if guard:
        guard.check(supergraph.api_schema, document, definition)
    errors = validate(supergraph.api_schema, document)
    if errors:
        raise OperationError(list(errors))
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
        directives=forwarded_directives(definition.directives or (), set()),
        query_directives=forwarded_directives(
            allowed_at(supergraph, definition.directives or (), DirectiveLocation.QUERY), set()
        ),
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
