"""Merging input values, the arguments of a field and the fields of an input object: an
intersection over subgraphs, merged to the most restrictive type, with equal defaults."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graphql import GraphQLArgument, GraphQLInputField, is_non_null_type

from composition.errors import CompositionError, quoted_list
from composition.model import MergedArgument, print_value
from composition.sources import Source, is_inaccessible, merge_description, merged_directives
from composition.typerefs import merge_type_references


@dataclass(frozen=True, slots=True)
class InputValueKind:
    """How messages name one kind of input value (an argument or an input field)."""

    label: str  # "Argument" or "Input object field"
    short: str  # "Argument" or "Input field"
    type_label: str  # "argument" or "field"
    missing_code: str
    type_code: str
    default_code: str


ARGUMENT = InputValueKind(
    "Argument",
    "Argument",
    "argument",
    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
    "FIELD_ARGUMENT_TYPE_MISMATCH",
    "FIELD_ARGUMENT_DEFAULT_MISMATCH",
)
INPUT_FIELD = InputValueKind(
    "Input object field",
    "Input field",
    "field",
    "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
    "FIELD_TYPE_MISMATCH",
    "INPUT_FIELD_DEFAULT_MISMATCH",
)
InputValue = GraphQLArgument | GraphQLInputField


def drop_missing(
    kind: InputValueKind,
    coordinate: str,
    present: Sequence[tuple[Source, InputValue]],
    missing: Sequence[str],
    errors: list[CompositionError],
) -> bool:
    """Whether an input value absent from some subgraphs is dropped (the intersection);
    an error when some subgraph requires it."""
    if not missing:
        return False
    required = [s.subgraph.name for s, value in present if is_required(value)]
    if required:
        errors.append(
            CompositionError(
                kind.missing_code,
                f'{kind.label} "{coordinate}" is required in some subgraphs but does not '
                f"appear in all subgraphs: it is required in subgraph "
                f"{quoted_list(required)} but does not appear in subgraph "
                f"{quoted_list(missing)}",
            )
        )
    return True


def merge_input_value(
    kind: InputValueKind,
    coordinate: str,
    present: Sequence[tuple[Source, InputValue]],
    errors: list[CompositionError],
) -> tuple[str, str | None]:
    """The merged (most restrictive) type and the default of an argument or input field."""
    merged_type = merge_type_references([v.type for _, v in present], set(), output=False)
    if merged_type is None:
        errors.append(
            CompositionError(
                kind.type_code,
                f'Type of {kind.type_label} "{coordinate}" is incompatible across subgraphs: it '
                + types_by_subgraph([(s.subgraph.name, str(v.type)) for s, v in present]),
            )
        )
        merged_type = present[0][1].type
    default = merge_default(f'{kind.short} "{coordinate}"', kind.default_code, present, errors)
    return str(merged_type), default


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
        argument_coordinate = f"{coordinate}({name}:)"
        if drop_missing(ARGUMENT, argument_coordinate, present, missing, errors):
            continue
        value = merge_input_value(ARGUMENT, argument_coordinate, present, errors)
        elements = [a for _, a in present]
        inaccessible = is_inaccessible(elements)
        merged.append(
            MergedArgument(
                name,
                value[0],
                merge_description(elements),
                value[1],
                inaccessible,
                merged_directives(elements),
            )
        )
    return merged


def is_required(element: GraphQLArgument | GraphQLInputField) -> bool:
    return (
        is_non_null_type(element.type)
        and element.ast_node is not None
        and (element.ast_node.default_value is None)
    )


def merge_default(
    what: str,
    code: str,
    present: Sequence[tuple[Source, GraphQLArgument | GraphQLInputField]],
    errors: list[CompositionError],
) -> str | None:
    """The shared default value. Two different defaults are an error; a default some
    subgraphs leave out is dropped (clients could not rely on it)."""
    defaults = [
        print_value(e.ast_node.default_value)
        if e.ast_node is not None and e.ast_node.default_value is not None
        else None
        for _, e in present
    ]
    given = list(dict.fromkeys(d for d in defaults if d is not None))
    if len(given) > 1:
        detail = " and ".join(
            f'{"no default value" if d is None else f"default value {d}"} in subgraph "{s.subgraph.name}"'
            for (s, _), d in zip(present, defaults, strict=True)
        )
        errors.append(
            CompositionError(
                code, f"{what} has incompatible default values across subgraphs: it has {detail}"
            )
        )
        return next(d for d in defaults if d is not None)
    if None in defaults:
        return None
    return given[0] if given else None


def types_by_subgraph(pairs: Sequence[tuple[str, str]], first: str | None = None) -> str:
    """``has type "A" in subgraph "x" but type "B" in subgraph "y" and ...``, the type
    ``first`` (the supergraph's) leading."""
    by_type: dict[str, list[str]] = {first: []} if first is not None else {}
    for subgraph, type_name in pairs:
        by_type.setdefault(type_name, []).append(subgraph)
    parts = [
        f'type "{t}" in subgraph{"s" if len(n) > 1 else ""} {quoted_list(n)}'
        for t, n in by_type.items()
        if n
    ]
    return "has " + parts[0] + (" but " + " and ".join(parts[1:]) if parts[1:] else "")
