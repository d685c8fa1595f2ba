"""Subgraph-local field types (``join__field(type:)``) in a fetch's selection.

Composition lets a subgraph declare a field more strictly than the
supergraph (``Int!`` where the supergraph says ``Int``). The client's
``... on Place { rating } ... on Venue { rating }`` is then valid against the
supergraph but not against a subgraph where one ``rating`` is ``Int!`` and
the other ``Int``: GraphQL refuses one response name for two shapes. As
Apollo does, every such selection but the first gets an alias
(``rating__alias_0``) and an output rewrite that renames it back when the
answer arrives; the objects it applies to are told apart by ``__typename``,
which is selected beside the fragments. Linear in the selection.
"""

from __future__ import annotations

from router.plan.nodes import KeyRenamer
from router.planner.selection_builder import FieldBuilder, SelectionBuilder
from router.supergraph import Supergraph

_Entry = tuple[tuple[str, ...], FieldBuilder, str, SelectionBuilder]


def alias_local_conflicts(
    supergraph: Supergraph, graph: str, builder: SelectionBuilder, parent: str
) -> tuple[KeyRenamer, ...]:
    """Alias the selections whose type in ``graph`` clashes with a sibling's; their rewrites."""
    renames: list[KeyRenamer] = []
    _alias(supergraph, graph, builder, parent, (), renames)
    return tuple(renames)


def _alias(
    supergraph: Supergraph,
    graph: str,
    builder: SelectionBuilder,
    parent: str,
    path: tuple[str, ...],
    renames: list[KeyRenamer],
) -> None:
    entries: dict[str, list[_Entry]] = {}
    _collect(supergraph, graph, builder, parent, (), entries)
    taken = set(entries)
    for response_name, found in entries.items():
        first = found[0][2]
        for steps, built, local, holder in found[1:]:
            if _same_shape(supergraph, first, local):
                continue
            index = 0
            while f"{built.name}__alias_{index}" in taken:
                index += 1
            alias = f"{built.name}__alias_{index}"
            taken.add(alias)
            _rename(holder, built, alias)
            # The rewrite tells objects apart by their concrete type.
            builder.add_field("__typename")
            renames.append(KeyRenamer(path + steps + (alias,), response_name))
    for found in entries.values():
        for steps, built, local, _ in found:
            if built.selections is not None:
                named = local.strip("[]!")
                _alias(
                    supergraph,
                    graph,
                    built.selections,
                    named,
                    path + steps + (built.response_name,),
                    renames,
                )


def _collect(
    supergraph: Supergraph,
    graph: str,
    builder: SelectionBuilder,
    parent: str,
    steps: tuple[str, ...],
    into: dict[str, list[_Entry]],
) -> None:
    for built in builder.fields.values():
        if built.name.startswith("__"):
            continue
        info = (
            supergraph.types[parent].fields.get(built.name) if parent in supergraph.types else None
        )
        if info is None:
            continue
        in_graph = info.graphs.get(graph)
        local = in_graph.type if in_graph is not None else info.type
        into.setdefault(built.response_name, []).append((steps, built, local, builder))
    for type_condition, inner in builder.fragments.items():
        _collect(
            supergraph, graph, inner, type_condition, (*steps, f"... on {type_condition}"), into
        )


def _same_shape(supergraph: Supergraph, one: str, other: str) -> bool:
    """One response name may hold both: same wrappers, and the same type if a leaf."""
    one_named, other_named = one.strip("[]!"), other.strip("[]!")
    if one.replace(one_named, "") != other.replace(other_named, ""):
        return False
    if one_named == other_named:
        return True
    # Composite types under different parents may differ; scalars and enums may not.
    return all(
        (info := supergraph.types.get(name)) is not None and info.is_composite
        for name in (one_named, other_named)
    )


def _rename(holder: SelectionBuilder, built: FieldBuilder, alias: str) -> None:
    key = next(k for k, v in holder.fields.items() if v is built)
    built.alias = alias
    holder.fields = {((alias, *k[1:]) if k == key else k): v for k, v in holder.fields.items()}
