"""``@override``: a subgraph taking a field over from another. The overridden copy stops
resolving the field (unless the override is progressive, with a ``label``), but is still
recorded as ``usedOverridden`` when its own keys or ``@requires`` read it."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLField

from composition.errors import CompositionError
from composition.sources import Source
from composition.subgraph import applied, argument


@dataclass
class FieldSource:
    """One subgraph's definition of the field, and how ``@override`` treats it."""

    source: Source
    field: GraphQLField
    override_from: str | None = None
    label: str | None = None
    overridden: bool = False  # taken over by another subgraph: it no longer resolves it
    used_overridden: bool = False  # overridden, but still read by its own keys/requires


def apply_overrides(
    coordinate: str, field_sources: list[FieldSource], errors: list[CompositionError]
) -> None:
    by_subgraph = {fs.source.subgraph.name: fs for fs in field_sources}
    for fs in field_sources:
        overrides = applied(fs.field, "override")
        if not overrides:
            continue
        fs.override_from = str(argument(overrides[0], "from"))
        label = argument(overrides[0], "label")
        fs.label = str(label) if label is not None else None
    for fs in field_sources:
        name = fs.source.subgraph.name
        if fs.override_from is None:
            continue
        if fs.override_from == name:
            errors.append(
                CompositionError(
                    "OVERRIDE_FROM_SELF_ERROR",
                    f'Source and destination subgraphs "{name}" are the same for overridden field '
                    f'"{coordinate}"',
                )
            )
            continue
        if coordinate in fs.source.facts.external:
            errors.append(
                CompositionError(
                    "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                    f'@override cannot be used on field "{coordinate}" on subgraph "{name}" since '
                    f'"{coordinate}" on "{name}" is marked with directive "@external"',
                )
            )
            continue
        target = by_subgraph.get(fs.override_from)
        if target is None:
            continue
        if target.override_from is not None:
            errors.append(
                CompositionError(
                    "OVERRIDE_SOURCE_HAS_OVERRIDE",
                    f'Field "{coordinate}" on subgraph "{name}" is also marked with directive '
                    f'@override in subgraph "{target.source.subgraph.name}". Only one @override '
                    "directive is allowed per field.",
                )
            )
            continue
        if coordinate in target.source.facts.external:
            continue
        target.overridden = True
        target.used_overridden = target.source.facts.used(coordinate)
        if fs.label is not None:
            target.label = fs.label
