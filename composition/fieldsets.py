"""Field sets: the selection strings of ``@key``, ``@requires`` and ``@provides``, parsed
and resolved against the subgraph schema they are written for."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
    parse,
)


@dataclass(frozen=True, slots=True)
class SelectedField:
    """One field a field set selects: where it is, and the node that selects it."""

    parent: GraphQLNamedType
    name: str
    field: GraphQLField
    node: FieldNode
    ancestors: tuple[str, ...]  # coordinates of the fields this one is nested under

    @property
    def coordinate(self) -> str:
        return f"{self.parent.name}.{self.name}"


@dataclass(frozen=True, slots=True)
class ResolvedFieldSet:
    selected: tuple[SelectedField, ...]
    problems: tuple[str, ...]
    has_fragments: bool


def parse_field_set(text: str) -> SelectionSetNode | str:
    """The selection set of a field set, or the syntax error as a message."""
    try:
        document = parse(f"{{{text}}}", no_location=True)
    except GraphQLError as exc:
        return exc.message
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation.selection_set


def resolve_field_set(
    schema: GraphQLSchema, parent: GraphQLNamedType, text: str
) -> ResolvedFieldSet:
    """Every field a field set selects, with the problems found (unknown fields, ...)."""
    parsed = parse_field_set(text)
    if isinstance(parsed, str):
        return ResolvedFieldSet((), (parsed,), False)
    selected: list[SelectedField] = []
    problems: list[str] = []
    fragments = _walk(schema, parent, parsed, selected, problems, ())
    return ResolvedFieldSet(tuple(selected), tuple(problems), fragments)


def _walk(
    schema: GraphQLSchema,
    parent: GraphQLNamedType,
    selection_set: SelectionSetNode,
    selected: list[SelectedField],
    problems: list[str],
    ancestors: tuple[str, ...],
) -> bool:
    fragments = False
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode):
            fragments = True
            condition = parent
            if selection.type_condition is not None:
                found = schema.get_type(selection.type_condition.name.value)
                if found is None:
                    problems.append(f'Unknown type "{selection.type_condition.name.value}"')
                    continue
                condition = found
            _walk(schema, condition, selection.selection_set, selected, problems, ancestors)
            continue
        if not isinstance(selection, FieldNode):
            problems.append("fragment spreads are not allowed in a field set")
            continue
        name = selection.name.value
        if name == "__typename":
            continue
        fields = (
            parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
        )
        if name not in fields:
            problems.append(f'Cannot query field "{name}" on type "{parent.name}"')
            continue
        field = fields[name]
        selected.append(SelectedField(parent, name, field, selection, ancestors))
        named = get_named_type(field.type)
        if selection.selection_set is not None:
            if is_leaf_type(named):
                problems.append(
                    f'Field "{parent.name}.{name}" of type "{named.name}" has no subfields'
                )
                continue
            nested = (*ancestors, f"{parent.name}.{name}")
            fragments |= _walk(schema, named, selection.selection_set, selected, problems, nested)
        elif isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            problems.append(
                f'Field "{parent.name}.{name}" of type "{named.name}" must have a selection of '
                "sub-fields"
            )
    return fragments
