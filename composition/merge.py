"""Merge loaded subgraphs into one supergraph, the way Apollo's composition does.

Types merge by name. Object and interface fields are the union over subgraphs; output
types may differ in nullability or by subtyping and merge to the most general one.
Arguments and input fields are the intersection, and merge to the most restrictive type.
Enums are a union when only output, an intersection when only input, and must agree when
both. ``@join__*`` directives record which subgraph does what. One pass over the types;
cost is linear in the size of the subgraphs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLUnionType,
)

from composition.access import ACCESS_DIRECTIVES, propagate_to_interfaces, used_specs
from composition.enums import enum_usage, merge_enum
from composition.errors import CompositionError, quoted_list
from composition.facts import SubgraphFacts
from composition.fields import merge_fields, merge_input_fields
from composition.graph_rules import interface_implementations, interface_object_usage
from composition.model import Graph, MergedType, Supergraph, directive, literal
from composition.sources import (
    Source,
    is_inaccessible,
    merge_description,
    merged_directives,
)
from composition.subgraph import Element, Subgraph, has

KIND_NAMES = {
    "object": "Object Type",
    "interface": "Interface Type",
    "union": "Union Type",
    "enum": "Enum Type",
    "input": "Input Object Type",
    "scalar": "Scalar Type",
}


def kind_of(named: GraphQLNamedType) -> str:
    if isinstance(named, GraphQLObjectType):
        return "object"
    if isinstance(named, GraphQLInterfaceType):
        return "interface"
    if isinstance(named, GraphQLUnionType):
        return "union"
    if isinstance(named, GraphQLEnumType):
        return "enum"
    if isinstance(named, GraphQLInputObjectType):
        return "input"
    return "scalar"


def graph_enum_values(names: Sequence[str]) -> list[str]:
    """``join__Graph`` value names: upper case, other characters as ``_``; names that
    collide are all numbered (``A_B_1``, ``A_B_2``)."""
    bases = []
    for name in names:
        base = re.sub(r"[^A-Z0-9_]", "_", name.upper())
        bases.append("_" + base if base[:1].isdigit() else base)
    seen: dict[str, int] = {}
    values = []
    for base in bases:
        if bases.count(base) == 1:
            values.append(base)
            continue
        seen[base] = seen.get(base, 0) + 1
        values.append(f"{base}_{seen[base]}")
    return values


def join_version(subgraphs: Sequence[Subgraph]) -> str:
    """The join spec version Apollo picks for the newest federation version linked."""
    newest = max((s.link.version or (2, 0) for s in subgraphs), default=(2, 0))
    if newest >= (2, 8):
        return "0.5"
    if newest >= (2, 7):
        return "0.4"
    return "0.3"


def merge(
    subgraphs: Sequence[Subgraph], facts: Sequence[SubgraphFacts]
) -> tuple[Supergraph, list[CompositionError]]:
    """Merge the subgraphs (already sorted by name) into a supergraph."""
    errors: list[CompositionError] = []
    graphs = [
        Graph(value, s.name, s.url)
        for value, s in zip(graph_enum_values([s.name for s in subgraphs]), subgraphs, strict=True)
    ]
    supergraph = Supergraph(graphs, {}, join_version(subgraphs))
    by_name: dict[str, list[Source]] = {}
    for index, subgraph in enumerate(subgraphs):
        for named in subgraph.types():
            by_name.setdefault(named.name, []).append(
                Source(index, subgraph, facts[index], graphs[index].enum_value, named)
            )
    relations = _subtype_relations(by_name)
    supergraph.specs = used_specs(subgraphs, _elements)
    access_order = [name for name in supergraph.specs if name in ACCESS_DIRECTIVES]
    enums: list[tuple[MergedType, list[Source]]] = []  # merged last: they depend on usage
    for name, sources in by_name.items():
        kind = _merged_kind(name, sources, errors)
        if kind is None:
            continue
        merged = MergedType(kind, name, merge_description([s.type for s in sources]))
        merged.inaccessible = is_inaccessible([s.type for s in sources])
        merged.directives = merged_directives([s.type for s in sources])
        if kind in ("object", "interface"):
            _merge_composite(merged, sources, relations, access_order, errors)
        else:
            merged.join = [directive("join__type", ("graph", s.graph)) for s in sources]
            if kind == "union":
                _merge_union(merged, sources)
            elif kind == "enum":
                enums.append((merged, sources))
            elif kind == "input":
                merge_input_fields(merged, sources, errors)
        errors.extend(_extension_with_no_base(name, sources))
        supergraph.types[name] = merged
    propagate_to_interfaces(supergraph.types, by_name, access_order)
    usage = enum_usage(supergraph, by_name)
    for merged, sources in enums:
        merge_enum(merged, sources, usage.get(merged.name, set()), errors)
    query = supergraph.types.get("Query")
    if query is not None and not query.fields:
        del supergraph.types["Query"]  # only the empty roots every subgraph gets
    if "Query" not in supergraph.types:
        errors.append(
            CompositionError(
                "NO_QUERIES",
                "No queries found in any subgraph: a supergraph must have a query root type.",
            )
        )
    errors.extend(interface_object_usage(by_name))
    _add_interface_object_fields(supergraph, by_name)
    errors.extend(interface_implementations(supergraph, by_name))
    supergraph.tag_name = _supergraph_name("tag", subgraphs, errors)
    supergraph.inaccessible_name = _supergraph_name("inaccessible", subgraphs, errors)
    return supergraph, errors


def _supergraph_name(
    canonical: str, subgraphs: Sequence[Subgraph], errors: list[CompositionError]
) -> str | None:
    """The name a directive copied into the supergraph goes by: the one the subgraphs that
    use it import it as (None when no subgraph uses it)."""
    names: dict[str, list[str]] = {}
    for subgraph in subgraphs:
        if any(has(element, canonical) for element in _elements(subgraph)):
            local = next(
                (k for k, v in subgraph.link.directive_names.items() if v == canonical), canonical
            )
            names.setdefault(local, []).append(subgraph.name)
    if len(names) > 1:
        detail = " and ".join(
            f'as "@{local}" in subgraph{"s" if len(n) > 1 else ""} {quoted_list(n)}'
            for local, n in names.items()
        )
        errors.append(
            CompositionError(
                "LINK_IMPORT_NAME_MISMATCH",
                f'The "@{canonical}" directive (from https://specs.apollo.dev/{canonical}) is imported '
                f"with mismatched name between subgraphs: it is imported {detail}",
            )
        )
    return next(iter(names), None)


def _elements(subgraph: Subgraph) -> list[Element]:
    found: list[Element] = []
    for named in subgraph.types():
        found.append(named)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for f in named.fields.values():
                found.append(f)
                found.extend(f.args.values())
        elif isinstance(named, GraphQLInputObjectType):
            found.extend(named.fields.values())
        elif isinstance(named, GraphQLEnumType):
            found.extend(named.values.values())
    return found


def _extension_with_no_base(name: str, sources: Sequence[Source]) -> list[CompositionError]:
    """A type only ever extended, never defined (root types excepted)."""
    if name in ("Query", "Mutation", "Subscription"):
        return []
    if any(name not in s.subgraph.extension_only for s in sources):
        return []
    return [
        CompositionError(
            "EXTENSION_WITH_NO_BASE",
            f'[{s.subgraph.name}] Type "{name}" is an extension type, but there is no type '
            f'definition for "{name}" in any subgraph.',
        )
        for s in sources
    ]


def _merged_kind(
    name: str, sources: Sequence[Source], errors: list[CompositionError]
) -> str | None:
    kinds = [
        "interface" if s.type.name in s.facts.interface_objects else kind_of(s.type)
        for s in sources
    ]
    if len(set(kinds)) == 1:
        return kinds[0]
    by_kind: dict[str, list[str]] = {}
    for kind, source in zip(kinds, sources, strict=True):
        by_kind.setdefault(kind, []).append(source.subgraph.name)
    parts = [
        f"{KIND_NAMES[k]} in subgraph{'s' if len(n) > 1 else ''} {quoted_list(n)}"
        for k, n in by_kind.items()
    ]
    errors.append(
        CompositionError(
            "TYPE_KIND_MISMATCH",
            f'Type "{name}" has mismatched kind: it is defined as ' + " but ".join(parts),
        )
    )
    return None


def _subtype_relations(by_name: dict[str, list[Source]]) -> set[tuple[str, str]]:
    relations: set[tuple[str, str]] = set()
    for name, sources in by_name.items():
        for source in sources:
            named = source.type
            if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                relations.update((name, i.name) for i in named.interfaces)
            elif isinstance(named, GraphQLUnionType):
                relations.update((m.name, name) for m in named.types)
    return relations


def _merge_composite(
    merged: MergedType,
    sources: Sequence[Source],
    relations: set[tuple[str, str]],
    access_order: Sequence[str],
    errors: list[CompositionError],
) -> None:
    for source in sources:
        named = source.type
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        for interface in named.interfaces:
            if interface.name not in merged.interfaces:
                merged.interfaces.append(interface.name)
            merged.join.append(
                directive(
                    "join__implements",
                    ("graph", source.graph),
                    ("interface", literal(interface.name)),
                )
            )
    for source in sources:
        merged.join.extend(_join_types(source))
    merge_fields(merged, sources, relations, access_order, errors)


def _join_types(source: Source) -> list[str]:
    name = source.type.name
    flags: list[tuple[str, str]] = []
    if name in source.facts.extension_types:
        flags.append(("extension", "true"))
    keys = source.facts.keys.get(name, [])
    interface_object = (
        [("isInterfaceObject", "true")] if name in source.facts.interface_objects else []
    )
    if not keys:
        return [directive("join__type", ("graph", source.graph), *flags, *interface_object)]
    return [
        directive(
            "join__type",
            ("graph", source.graph),
            ("key", literal(key.fields)),
            *flags,
            *([] if key.resolvable else [("resolvable", "false")]),
            *interface_object,
        )
        for key in keys
    ]


def _merge_union(merged: MergedType, sources: Sequence[Source]) -> None:
    for source in sources:
        assert isinstance(source.type, GraphQLUnionType)
        merged.members.extend(m.name for m in source.type.types if m.name not in merged.members)
    for member in merged.members:
        merged.member_join.extend(
            directive("join__unionMember", ("graph", s.graph), ("member", literal(member)))
            for s in sources
            if member in [m.name for m in getattr(s.type, "types", ())]
        )


def _add_interface_object_fields(supergraph: Supergraph, by_name: dict[str, list[Source]]) -> None:
    """Fields an ``@interfaceObject`` adds to an interface also appear on its implementations."""
    for name, sources in by_name.items():
        contributed = [s for s in sources if name in s.facts.interface_objects]
        interface = supergraph.types.get(name)
        if not contributed or interface is None:
            continue
        for implementation in supergraph.types.values():
            if name not in implementation.interfaces:
                continue
            for field_name, interface_field in interface.fields.items():
                if field_name in implementation.fields:
                    continue
                if not any(field_name in getattr(s.type, "fields", {}) for s in contributed):
                    continue
                # Copied whole, with a bare @join__field last: no subgraph defines it there.
                implementation.fields[field_name] = replace(
                    interface_field,
                    join=[],
                    directives=[*interface_field.directives, "@join__field"],
                )
