"""Federation 1 subgraphs, read as Apollo's schema upgrader rewrites them into Federation 2.

Done on the facts the merge reads, not on the schema: ``@external`` is dropped where
Federation 1 needed it only for syntax (interface fields, key fields of type extensions),
unused external fields disappear, type extensions become plain definitions, and fields
that other subgraphs also resolve become shareable (sharing was implicit in Federation 1).
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql import GraphQLInterfaceType, GraphQLObjectType

from composition.facts import SubgraphFacts
from composition.subgraph import Subgraph, has


def upgrade_fed1(subgraphs: Sequence[Subgraph], facts: Sequence[SubgraphFacts]) -> None:
    """Adjust the facts of every Federation 1 subgraph in place."""
    for subgraph, own in zip(subgraphs, facts, strict=True):
        if not subgraph.is_fed1:
            continue
        _drop_syntactic_externals(subgraph, own, subgraphs, facts)
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
        if named.name not in own.extension_types:
            continue
        keys = own.keys.get(named.name)
        if not keys:
            # No key of its own: the key another subgraph declares for the type.
            keys = next(
                (f.keys[named.name][:1] for s, f in zip(subgraphs, facts, strict=True)
                 if s is not subgraph and f.keys.get(named.name)),
                [],
            )
        for key in keys:
            own.external -= {
                s.coordinate
                for s in key.selection.selected
                if not s.ancestors and s.coordinate.startswith(f"{named.name}.")
            }


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
