"""Enum merging by usage, over the merged graph: an enum only in output positions is the
union of the subgraphs' values, one only in input positions their intersection, and one in
both must have the same values everywhere. Positions count only where they survive the
merge (an argument dropped by the intersection does not make its enum an input; an input
object field does, as Apollo counts them before intersecting)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graphql import GraphQLEnumType, get_named_type

from composition.errors import CompositionError, quoted_list
from composition.model import MergedEnumValue, MergedType, Supergraph, directive
from composition.sources import Source, is_inaccessible, merge_description, merged_directives
from composition.typerefs import named_type


def enum_usage(
    supergraph: Supergraph, sources: Mapping[str, Sequence[Source]]
) -> dict[str, set[str]]:
    """For each type name, the positions (``input``, ``output``) the merged graph uses it
    in. Input object fields count even where the intersection drops them, as in Apollo."""
    usage: dict[str, set[str]] = {}
    for merged in supergraph.types.values():
        if merged.kind == "input":
            for source in sources.get(merged.name, ()):
                for input_field in getattr(source.type, "fields", {}).values():
                    usage.setdefault(get_named_type(input_field.type).name, set()).add("input")
            continue
        for field in merged.fields.values():
            usage.setdefault(named_type(field.type), set()).add("output")
            for argument in field.arguments:
                usage.setdefault(named_type(argument.type), set()).add("input")
    return usage


def merge_enum(
    merged: MergedType,
    sources: Sequence[Source],
    usage: set[str],
    errors: list[CompositionError],
) -> None:
    names: list[str] = []
    for source in sources:
        assert isinstance(source.type, GraphQLEnumType)
        names.extend(v for v in source.type.values if v not in names)
    for value in names:
        having = [s for s in sources if value in getattr(s.type, "values", {})]
        elements = [getattr(s.type, "values", {})[value] for s in having]
        inaccessible = is_inaccessible(elements)
        # An @inaccessible value is not part of the API: it needs no agreement.
        lacking = [] if inaccessible else [s.subgraph.name for s in sources if s not in having]
        if lacking and usage == {"input"}:
            continue
        if lacking and usage == {"input", "output"}:
            errors.append(
                CompositionError(
                    "ENUM_VALUE_MISMATCH",
                    f'Enum type "{merged.name}" is used as both input type and output type, but '
                    f'value "{value}" is not defined in all the subgraphs defining "{merged.name}": '
                    f'"{value}" is defined in subgraph{"s" if len(having) > 1 else ""} '
                    f"{quoted_list([s.subgraph.name for s in having])} but not in subgraph"
                    f"{'s' if len(lacking) > 1 else ''} {quoted_list(lacking)}",
                )
            )
            continue
        merged.values[value] = MergedEnumValue(
            value,
            merge_description(elements),
            inaccessible,
            [directive("join__enumValue", ("graph", s.graph)) for s in having],
            merged_directives(elements),
        )
    if not merged.values and usage == {"input"}:
        errors.append(
            CompositionError(
                "EMPTY_MERGED_ENUM_TYPE",
                f'None of the values of enum type "{merged.name}" are defined consistently in all '
                f"the subgraphs defining that type. As only values common to all subgraphs are "
                "merged, this would result in an empty type.",
            )
        )
