"""Merging the fields of object, interface and input object types.

Output fields are the union over subgraphs. A field's ``@join__field`` directives are
printed only when the plain rule (every subgraph that has the type resolves the field
with the same type) does not hold: when a subgraph lacks it, marks it ``@external``,
``@requires``/``@provides`` on it, overrides it, or types it differently.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql import (
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    print_ast,
)

from composition.arguments import (
    INPUT_FIELD,
    drop_missing,
    merge_arguments,
    merge_input_value,
    types_by_subgraph,
)
from composition.errors import CompositionError, quoted_list
from composition.externals import check_externals
from composition.model import MergedField, MergedType, directive, literal
from composition.overrides import FieldSource, apply_overrides
from composition.sources import Source, is_inaccessible, merge_description, merged_directives
from composition.subgraph import applied, argument
from composition.typerefs import merge_type_references


def merge_fields(
    merged: MergedType,
    sources: Sequence[Source],
    relations: set[tuple[str, str]],
    access_order: Sequence[str],
    errors: list[CompositionError],
) -> None:
    names: list[str] = []
    for source in sources:
        assert isinstance(source.type, GraphQLObjectType | GraphQLInterfaceType)
        names.extend(
            n
            for n in source.type.fields
            if n not in names and f"{merged.name}.{n}" not in source.facts.removed
        )
    for name in names:
        field_sources = [
            FieldSource(s, s.type.fields[name])  # type: ignore[attr-defined]
            for s in sources
            if name in s.type.fields  # type: ignore[attr-defined]
            and f"{merged.name}.{name}" not in s.facts.removed
        ]
        if not field_sources:
            continue
        coordinate = f"{merged.name}.{name}"
        apply_overrides(coordinate, field_sources, errors)
        merged_field = _merge_field(
            merged, name, sources, field_sources, relations, access_order, errors
        )
        if merged_field is not None:
            merged.fields[name] = merged_field


def _merge_field(
    merged: MergedType,
    name: str,
    sources: Sequence[Source],
    field_sources: list[FieldSource],
    relations: set[tuple[str, str]],
    access_order: Sequence[str],
    errors: list[CompositionError],
) -> MergedField | None:
    coordinate = f"{merged.name}.{name}"
    # The type merges over the subgraphs that resolve the field; externals are checked apart.
    externals = [fs for fs in field_sources if coordinate in fs.source.facts.external]
    if len(externals) == len(field_sources):
        names = [fs.source.subgraph.name for fs in field_sources]
        errors.append(
            CompositionError(
                "EXTERNAL_MISSING_ON_BASE",
                f'Field "{coordinate}" is marked @external on all the subgraphs in which it is '
                f"listed (subgraph{'s' if len(names) > 1 else ''} {quoted_list(names)}).",
            )
        )
        return None
    errors.extend(merged_directives_on_externals(coordinate, externals))
    typed = [fs for fs in field_sources if fs not in externals]
    field_type = merge_type_references([fs.field.type for fs in typed], relations, output=True)
    if field_type is None:
        errors.append(
            CompositionError(
                "FIELD_TYPE_MISMATCH",
                f'Type of field "{coordinate}" is incompatible across subgraphs: it '
                + types_by_subgraph(
                    [(fs.source.subgraph.name, str(fs.field.type)) for fs in typed]
                ),
            )
        )
        field_type = typed[0].field.type  # keep merging: report the rest too
    all_equal = len({str(fs.field.type) for fs in typed}) == 1
    if merged.kind == "object":
        _check_sharing(coordinate, field_sources, errors)
    # Arguments intersect over the subgraphs that define the field (overridden ones too).
    arguments = merge_arguments(
        coordinate, [(fs.source, dict(fs.field.args)) for fs in typed], errors
    )
    elements = [fs.field for fs in field_sources]
    inaccessible = is_inaccessible(elements)
    result = MergedField(
        name,
        str(field_type),
        merge_description(elements),
        arguments,
        inaccessible=inaccessible,
        directives=merged_directives(elements, access_order=access_order),
    )
    if externals:
        errors.extend(
            check_externals(
                coordinate,
                field_type,
                all_equal,
                arguments,
                [(fs.source.subgraph.name, fs.field) for fs in externals],
                [(fs.source.subgraph.name, fs.field) for fs in field_sources],
                relations,
            )
        )
    if _needs_join_field(merged.name, sources, field_sources, all_equal):
        result.join = [
            _join_field(fs, coordinate, all_equal)
            for fs in field_sources
            if not fs.overridden or fs.label or fs.used_overridden
        ]
    return result


def merged_directives_on_externals(
    coordinate: str, externals: Sequence[FieldSource]
) -> list[CompositionError]:
    """@tag and @inaccessible are merged into the supergraph: an external field, which this
    subgraph does not resolve, cannot carry them."""
    return [
        CompositionError(
            "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
            f"[{fs.source.subgraph.name}] Cannot apply merged directive {print_ast(node)} to "
            f'external field "{coordinate}"',
        )
        for fs in externals
        for name in ("tag", "inaccessible")
        for node in applied(fs.field, name)
    ]


def _needs_join_field(
    type_name: str,
    sources: Sequence[Source],
    field_sources: list[FieldSource],
    all_equal: bool,
) -> bool:
    if not all_equal or any(fs.label or fs.used_overridden for fs in field_sources):
        return True
    present = {fs.source.index for fs in field_sources if not fs.overridden}
    if any(s.index not in present for s in sources):
        return True
    coordinate = f"{type_name}.{field_sources[0].field.ast_node.name.value}"  # type: ignore[union-attr]
    return any(
        coordinate in fs.source.facts.external
        or _field_set(fs, "requires", coordinate) is not None
        or _field_set(fs, "provides", coordinate) is not None
        for fs in field_sources
    )


def _field_set(fs: FieldSource, kind: str, coordinate: str) -> str | None:
    """The @requires/@provides field set of a source as the supergraph records it."""
    if (kind, coordinate) in fs.source.facts.field_sets:
        return fs.source.facts.field_sets[(kind, coordinate)]
    for applied_directive in applied(fs.field, kind):
        return str(argument(applied_directive, "fields"))
    return None


def _join_field(fs: FieldSource, coordinate: str, all_equal: bool) -> str:
    arguments: list[tuple[str, str]] = [("graph", fs.source.graph)]
    if fs.used_overridden and not fs.label:
        return directive("join__field", *arguments, ("usedOverridden", "true"))
    for kind in ("requires", "provides"):
        field_set = _field_set(fs, kind, coordinate)
        if field_set is not None:
            arguments.append((kind, literal(field_set)))
    if not all_equal:
        arguments.append(("type", literal(str(fs.field.type))))
    if coordinate in fs.source.facts.external:
        arguments.append(("external", "true"))
    if fs.override_from is not None:
        arguments.append(("override", literal(fs.override_from)))
    if fs.used_overridden:
        arguments.append(("usedOverridden", "true"))
    if fs.label is not None:
        arguments.append(("overrideLabel", literal(fs.label)))
    return directive("join__field", *arguments)


def _check_sharing(
    coordinate: str, field_sources: list[FieldSource], errors: list[CompositionError]
) -> None:
    resolving = [
        fs
        for fs in field_sources
        if not fs.overridden
        and (coordinate not in fs.source.facts.external or coordinate in fs.source.facts.provided)
    ]
    if len(resolving) < 2:
        return
    unshared = [
        fs.source.subgraph.name for fs in resolving if coordinate not in fs.source.facts.shareable
    ]
    if not unshared:
        return
    names = [fs.source.subgraph.name for fs in resolving]
    where = (
        "in all of them"
        if len(unshared) == len(names)
        else f"in subgraph{'s' if len(unshared) > 1 else ''} {quoted_list(unshared)}"
    )
    errors.append(
        CompositionError(
            "INVALID_FIELD_SHARING",
            f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is resolved '
            f"from subgraphs {quoted_list(names)} and defined as non-shareable {where}",
        )
    )


def merge_input_fields(
    merged: MergedType, sources: Sequence[Source], errors: list[CompositionError]
) -> None:
    names: list[str] = []
    for source in sources:
        assert isinstance(source.type, GraphQLInputObjectType)
        names.extend(n for n in source.type.fields if n not in names)
    for name in names:
        coordinate = f"{merged.name}.{name}"
        present: list[tuple[Source, GraphQLInputField]] = [
            (s, s.type.fields[name])  # type: ignore[attr-defined]
            for s in sources
            if name in s.type.fields  # type: ignore[attr-defined]
        ]
        missing = [s.subgraph.name for s in sources if name not in s.type.fields]  # type: ignore[attr-defined]
        # Merged before the intersection drops it (Apollo reports its conflicts all the same);
        # an @inaccessible field stays even where some subgraphs lack it.
        field_type, default = merge_input_value(INPUT_FIELD, coordinate, present, errors)
        elements = [f for _, f in present]
        inaccessible = is_inaccessible(elements)
        if not inaccessible and drop_missing(INPUT_FIELD, coordinate, present, missing, errors):
            continue
        result = MergedField(
            name,
            field_type,
            merge_description(elements),
            default=default,
            inaccessible=inaccessible,
            directives=merged_directives(elements),
        )
        all_equal = len({str(f.type) for _, f in present}) == 1
        if not all_equal or missing:
            result.join = [
                directive(
                    "join__field",
                    ("graph", s.graph),
                    *([] if all_equal else [("type", literal(str(f.type)))]),
                )
                for s, f in present
            ]
        merged.fields[name] = result
    if not merged.fields:
        errors.append(
            CompositionError(
                "EMPTY_MERGED_INPUT_TYPE",
                f'None of the fields of input object type "{merged.name}" are consistently defined '
                "in all the subgraphs defining that type. As only fields common to all subgraphs "
                "are merged, this would result in an empty type.",
            )
        )
