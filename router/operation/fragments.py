"""Normalisation pass: where a fragment's selections apply, per possible type.

A fragment (spread or inline) on its parent's own type is inlined; on an
object parent it is inlined or dropped; under an abstract parent it is
expanded into one :class:`~router.operation.model.Fragment` per concrete type
the parent and the condition share (even when it covers them all: the
condition's fields need not exist on the parent type).
"""

from __future__ import annotations

from dataclasses import dataclass

from router.supergraph import Supergraph


@dataclass(frozen=True, slots=True)
class Placement:
    """Inline into the parent (``inline``) and/or expand into concrete ``types``."""

    inline: bool
    types: tuple[str, ...] = ()


def place_fragment(supergraph: Supergraph, parent: str, condition: str | None) -> Placement:
    if condition is None or condition == parent:
        return Placement(inline=True)
    parent_types = supergraph.possible_types_of(parent)
    condition_types = set(supergraph.possible_types_of(condition))
    if not supergraph.types[parent].is_abstract:
        return Placement(inline=parent in condition_types)
    return Placement(inline=False, types=tuple(t for t in parent_types if t in condition_types))
