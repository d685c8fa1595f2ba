"""``@external`` declarations checked against the field they stand for: the same type (or,
when the resolving subgraphs disagree, a more general one) and the same arguments."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLField, GraphQLType

from composition.arguments import types_by_subgraph
from composition.errors import CompositionError, quoted_list
from composition.model import MergedArgument, print_value
from composition.typerefs import is_subtype


def check_externals(
    coordinate: str,
    field_type: GraphQLType,
    all_equal: bool,
    arguments: Sequence[MergedArgument],
    externals: Sequence[tuple[str, GraphQLField]],
    everyone: Sequence[tuple[str, GraphQLField]],
    relations: set[tuple[str, str]],
) -> list[CompositionError]:
    errors: list[CompositionError] = []
    invalid_type = any(
        not (
            str(field.type) == str(field_type)
            or (not all_equal and is_subtype(field_type, field.type, relations))
        )
        for _, field in externals
    )
    if invalid_type:
        errors.append(
            CompositionError(
                "EXTERNAL_TYPE_MISMATCH",
                f'Type of field "{coordinate}" is incompatible across subgraphs (where marked '
                "@external): it "
                + types_by_subgraph(
                    [(name, str(field.type)) for name, field in everyone], str(field_type)
                ),
            )
        )
    for argument in arguments:
        missing = [name for name, field in externals if argument.name not in field.args]
        if missing:
            errors.append(
                CompositionError(
                    "EXTERNAL_ARGUMENT_MISSING",
                    f'Field "{coordinate}" is missing argument "{coordinate}({argument.name}:)" in '
                    f"some subgraphs where it is marked @external: it is not declared in subgraph"
                    f"{'s' if len(missing) > 1 else ''} {quoted_list(missing)}.",
                )
            )
            continue
        for name, field in externals:
            declared = field.args[argument.name]
            if str(declared.type) != argument.type:
                errors.append(
                    CompositionError(
                        "EXTERNAL_ARGUMENT_TYPE_MISMATCH",
                        f'Type of argument "{coordinate}({argument.name}:)" is incompatible across '
                        f'subgraphs (where "{coordinate}" is marked @external): it has type '
                        f'"{declared.type}" in subgraph "{name}" but type "{argument.type}" in the '
                        "others",
                    )
                )
            node = declared.ast_node
            default = (
                print_value(node.default_value)
                if node is not None and node.default_value is not None
                else None
            )
            if default != argument.default:
                errors.append(
                    CompositionError(
                        "EXTERNAL_ARGUMENT_DEFAULT_MISMATCH",
                        f'Argument "{coordinate}({argument.name}:)" has incompatible defaults across '
                        f'subgraphs (where "{coordinate}" is marked @external): it has default value '
                        f'{default} in subgraph "{name}" but {argument.default} in the others',
                    )
                )
    return errors
