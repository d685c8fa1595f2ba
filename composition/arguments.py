"""Merging the arguments of a field (an intersection) and default values."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLArgument, GraphQLInputField, is_non_null_type

from composition.errors import CompositionError, quoted_list
from composition.model import MergedArgument, print_value
from composition.sources import Source, deprecation, merge_description, tags_and_flags
from composition.typerefs import merge_type_references


def merge_arguments(
    coordinate: str,
    arguments: Sequence[tuple[Source, dict[str, GraphQLArgument]]],
    errors: list[CompositionError],
) -> list[MergedArgument]:
    """Arguments present in every source of a field; the others are dropped."""
    merged: list[MergedArgument] = []
    names: list[str] = []
    for _, args in arguments:
        names.extend(n for n in args if n not in names)
    for name in names:
        present = [(s, args[name]) for s, args in arguments if name in args]
        missing = [s.subgraph.name for s, args in arguments if name not in args]
        if missing:
            required = [s.subgraph.name for s, a in present if is_required(a)]
            if required:
                errors.append(CompositionError(
                    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                    f'Argument "{coordinate}({name}:)" is required in some subgraphs but does not '
                    f"appear in all subgraphs: it is required in subgraph "
                    f"{quoted_list(required)} but does not appear in subgraph "
                    f"{quoted_list(missing)}",
                ))
            continue
        argument_type = merge_type_references([a.type for _, a in present], set(), output=False)
        if argument_type is None:
            errors.append(CompositionError(
                "FIELD_ARGUMENT_TYPE_MISMATCH",
                f'Type of argument "{coordinate}({name}:)" is incompatible across subgraphs: it '
                + types_by_subgraph([(s.subgraph.name, str(a.type)) for s, a in present]),
            ))
            continue
        default = merge_default(
            f'argument "{coordinate}({name}:)"', "FIELD_ARGUMENT_DEFAULT_MISMATCH", present, errors
        )
        elements = [a for _, a in present]
        inaccessible, tags = tags_and_flags(elements)
        merged.append(MergedArgument(
            name,
            str(argument_type),
            merge_description(elements),
            default,
            inaccessible,
            tags + deprecation(elements),
        ))
    return merged


def is_required(element: GraphQLArgument | GraphQLInputField) -> bool:
    return is_non_null_type(element.type) and element.ast_node is not None and (
        element.ast_node.default_value is None
    )


def merge_default(
    what: str,
    code: str,
    present: Sequence[tuple[Source, GraphQLArgument | GraphQLInputField]],
    errors: list[CompositionError],
) -> str | None:
    defaults = [
        (s.subgraph.name, print_value(e.ast_node.default_value))
        for s, e in present
        if e.ast_node is not None and e.ast_node.default_value is not None
    ]
    values = list(dict.fromkeys(v for _, v in defaults))
    if len(values) > 1 or (values and len(defaults) < len(present)):
        undefined = [s.subgraph.name for s, _ in present if s.subgraph.name not in dict(defaults)]
        detail = "; ".join(f'has default value {v} in subgraph "{n}"' for n, v in defaults)
        if undefined:
            detail += f"; has no default value in subgraph {quoted_list(undefined)}"
        errors.append(CompositionError(
            code, f"Type of {what} has incompatible default values across subgraphs: {detail}"
        ))
    return values[0] if values else None


def types_by_subgraph(pairs: Sequence[tuple[str, str]]) -> str:
    by_type: dict[str, list[str]] = {}
    for subgraph, type_name in pairs:
        by_type.setdefault(type_name, []).append(subgraph)
    parts = [
        f'type "{t}" in subgraph{"s" if len(n) > 1 else ""} {quoted_list(n)}'
        for t, n in by_type.items()
    ]
    return "has " + " but ".join(parts)


