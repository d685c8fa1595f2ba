"""Federation 1 subgraphs, read as Apollo's schema upgrader rewrites them into Federation 2.

Done on the facts the merge reads, not on the schema: ``@external`` is dropped where
Federation 1 needed it only for syntax (interface fields, key fields of type extensions),
unused external fields disappear, type extensions become plain definitions, and fields
that other subgraphs also resolve become shareable (sharing was implicit in Federation 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql import (
    FieldNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    print_ast,
)

from composition.facts import SubgraphFacts
from composition.fieldsets import parse_field_set
from composition.subgraph import Subgraph, applied, argument, has


def upgrade_fed1(subgraphs: Sequence[Subgraph], facts: Sequence[SubgraphFacts]) -> None:
    """Adjust the facts of every Federation 1 subgraph in place."""
    for subgraph, own in zip(subgraphs, facts, strict=True):
        if not subgraph.is_fed1:
            continue
        _drop_syntactic_externals(subgraph, own, subgraphs, facts)
        _drop_inactive_field_sets(subgraph, own)
        own.removed |= {c for c in own.external if not own.used(c)}
        own.external -= own.removed
        # `extend type` becomes a definition; an explicit @extends stays an extension.
        own.extension_types = {
            name for name in own.extension_types if has(subgraph.schema.type_map[name], "extends")
        }
        _add_shareable(subgraph, own, subgraphs, facts)


def _drop_syntactic_externals(
    subgraph: Subgraph,
    own: SubgraphFacts,
    subgraphs: Sequence[Subgraph],
    facts: Sequence[SubgraphFacts],
) -> None:
    for named in subgraph.types():
        if isinstance(named, GraphQLInterfaceType):
            own.external -= {f"{named.name}.{f}" for f in named.fields}
            own.keys.pop(named.name, None)  # a Federation 1 interface key meant nothing
        if named.name not in own.extension_types:
            continue
        keys = own.keys.get(named.name)
        if not keys:
            # No key of its own: the key another subgraph declares for the type.
            keys = next(
                (
                    f.keys[named.name][:1]
                    for s, f in zip(subgraphs, facts, strict=True)
                    if s is not subgraph and f.keys.get(named.name)
                ),
                [],
            )
        for key in keys:
            own.external -= {
                s.coordinate
                for s in key.selection.selected
                if not s.ancestors and s.coordinate.startswith(f"{named.name}.")
            }


def _drop_inactive_field_sets(subgraph: Subgraph, own: SubgraphFacts) -> None:
    """Federation 1 ignored non-external fields in @requires/@provides: drop them."""
    for named in subgraph.types():
        for field_name, definition in getattr(named, "fields", {}).items():
            for kind in ("requires", "provides"):
                for directive in applied(definition, kind):
                    text = str(argument(directive, "fields") or "")
                    parsed = parse_field_set(text)
                    if isinstance(parsed, str):
                        continue
                    parent = named if kind == "requires" else get_named_type(definition.type)
                    active = _active(subgraph, parent, parsed, own.external)
                    if active != " ".join(text.split()):
                        own.field_sets[(kind, f"{named.name}.{field_name}")] = active or None


def _active(
    subgraph: Subgraph,
    parent: GraphQLNamedType,
    selection_set: SelectionSetNode,
    external: set[str],
) -> str:
    """The selections that reach an external field, printed on one line."""
    kept: list[str] = []
    for selection in selection_set.selections:
        if isinstance(selection, InlineFragmentNode) and selection.type_condition is not None:
            condition = subgraph.schema.type_map.get(selection.type_condition.name.value)
            inner = (
                _active(subgraph, condition, selection.selection_set, external) if condition else ""
            )
            if inner:
                kept.append(f"... on {condition.name} {{ {inner} }}")  # type: ignore[union-attr]
        elif isinstance(selection, FieldNode):
            field_def = getattr(parent, "fields", {}).get(selection.name.value)
            if field_def is None:
                continue
            coordinate = f"{parent.name}.{selection.name.value}"
            nested = selection.selection_set
            if coordinate in external:
                kept.append(_one_line(selection))
            elif nested is not None:
                inner = _active(subgraph, get_named_type(field_def.type), nested, external)
                if inner:
                    kept.append(f"{selection.name.value} {{ {inner} }}")
    return " ".join(kept)


def _one_line(node: FieldNode) -> str:
    return " ".join(print_ast(node).split())


def _add_shareable(
    subgraph: Subgraph,
    own: SubgraphFacts,
    subgraphs: Sequence[Subgraph],
    facts: Sequence[SubgraphFacts],
) -> None:
    others = [(s, f) for s, f in zip(subgraphs, facts, strict=True) if s is not subgraph]
    for named in subgraph.types():
        if not isinstance(named, GraphQLObjectType) or named.name == "Subscription":
            continue
        elsewhere = [(s, f) for s, f in others if s.type(named.name) is not None]
        entity_or_root = named.name in own.keys or named.name in ("Query", "Mutation")
        for field_name in named.fields:
            coordinate = f"{named.name}.{field_name}"
            if not entity_or_root:
                if elsewhere:
                    own.shareable.add(coordinate)
                continue
            if any(
                field_name in getattr(s.type(named.name), "fields", {})
                and (coordinate not in f.external or coordinate in f.provided)
                and coordinate not in f.removed
                for s, f in elsewhere
            ):
                own.shareable.add(coordinate)
