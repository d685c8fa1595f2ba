"""What one subgraph says about its entities: keys, externals, what its field sets use.

Collecting them checks the field sets of ``@key``, ``@requires`` and ``@provides`` (with
Apollo's codes); the other rules a subgraph must satisfy alone are in ``subgraph_rules``,
which reads these facts (the composition pipeline runs it next).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
)

from composition.errors import CompositionError
from composition.fieldsets import ResolvedFieldSet, resolve_field_set
from composition.subgraph import Subgraph, applied, argument, composite_fields, has


@dataclass(frozen=True, slots=True)
class Key:
    fields: str
    resolvable: bool
    selection: ResolvedFieldSet


@dataclass
class SubgraphFacts:
    """Per-subgraph lookups the merge and the satisfiability check use."""

    keys: dict[str, list[Key]] = field(default_factory=dict)
    external: set[str] = field(default_factory=set)  # coordinates marked @external
    key_fields: set[str] = field(default_factory=set)  # coordinates selected by a @key
    provided: set[str] = field(default_factory=set)  # coordinates selected by a @provides
    required: set[str] = field(default_factory=set)  # coordinates selected by a @requires
    shareable: set[str] = field(default_factory=set)  # coordinates shareable in this subgraph
    interface_objects: set[str] = field(default_factory=set)
    extension_types: set[str] = field(default_factory=set)  # types defined as extensions
    removed: set[str] = field(default_factory=set)  # fields the merge ignores (Federation 1)
    # (directive, coordinate) -> the field set printed in the supergraph, None to drop it
    # (Federation 1 @requires/@provides lose the fields that are not external)
    field_sets: dict[tuple[str, str], str | None] = field(default_factory=dict)

    def used(self, coordinate: str) -> bool:
        return (
            coordinate in self.key_fields
            or coordinate in self.provided
            or coordinate in self.required
        )


def analyse(subgraph: Subgraph) -> tuple[SubgraphFacts, list[CompositionError]]:
    """Collect the subgraph's facts and check its field sets and ``@external`` uses."""
    facts = SubgraphFacts(extension_types=set(subgraph.extension_types))
    errors: list[CompositionError] = []
    name = subgraph.name
    for named in subgraph.types():
        fields = composite_fields(named)
        type_external = has(named, "external")
        # A type's @shareable covers the fields of the definition or extension it is on.
        type_shareable = {
            f.name.value
            for node in (named.ast_node, *(named.extension_ast_nodes or ()))
            if node is not None and any(d.name.value == "shareable" for d in node.directives or ())
            for f in getattr(node, "fields", None) or ()
        }
        if has(named, "interfaceObject"):
            facts.interface_objects.add(named.name)
        for field_name, definition in fields.items():
            coordinate = f"{named.name}.{field_name}"
            if type_external or has(definition, "external"):
                facts.external.add(coordinate)
            if field_name in type_shareable or has(definition, "shareable"):
                facts.shareable.add(coordinate)
        for directive in applied(named, "key"):
            fields_text = str(argument(directive, "fields") or "")
            resolvable = argument(directive, "resolvable") is not False
            selection = resolve_field_set(subgraph.schema, named, fields_text)
            facts.keys.setdefault(named.name, []).append(Key(fields_text, resolvable, selection))
            errors.extend(_key_errors(name, named, fields_text, selection))
            facts.key_fields.update(s.coordinate for s in selection.selected)
    # @external on a key field of a type extension only repeats the key ("fake" external).
    for type_name in facts.extension_types:
        for key in facts.keys.get(type_name, []):
            facts.external -= {s.coordinate for s in key.selection.selected}
    facts.shareable |= facts.key_fields
    for named in subgraph.types():
        for field_name, definition in composite_fields(named).items():
            coordinate = f"{named.name}.{field_name}"
            for directive in applied(definition, "requires"):
                text = str(argument(directive, "fields") or "")
                selection = resolve_field_set(subgraph.schema, named, text)
                facts.required.update(s.coordinate for s in selection.selected)
                if not subgraph.is_fed1:  # Federation 1 drops inactive ones instead (fed1.py)
                    errors.extend(
                        _selection_errors(name, "requires", coordinate, text, selection, facts)
                    )
            for directive in applied(definition, "provides"):
                text = str(argument(directive, "fields") or "")
                target = get_named_type(definition.type)
                if not isinstance(
                    target, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
                ):
                    errors.append(
                        CompositionError(
                            "PROVIDES_ON_NON_OBJECT_FIELD",
                            f'[{name}] Invalid @provides directive on field "{coordinate}": field has '
                            f'type "{definition.type}" which is not a Composite Type',
                        )
                    )
                    continue
                selection = resolve_field_set(subgraph.schema, target, text)
                facts.provided.update(s.coordinate for s in selection.selected)
                if not subgraph.is_fed1:
                    errors.extend(
                        _selection_errors(name, "provides", coordinate, text, selection, facts)
                    )
    # A provided external field is resolved by this subgraph too, and shared by definition.
    facts.shareable |= facts.provided & facts.external
    return facts, errors


def _key_errors(
    subgraph: str, parent: GraphQLNamedType, text: str, selection: ResolvedFieldSet
) -> list[CompositionError]:
    prefix = f'[{subgraph}] On type "{parent.name}", for @key(fields: "{text}"): '
    errors = [
        CompositionError("KEY_INVALID_FIELDS", prefix + _explain(p)) for p in selection.problems
    ]
    for selected in selection.selected:
        if selected.field.args:
            errors.append(
                CompositionError(
                    "KEY_FIELDS_HAS_ARGS",
                    f"{prefix}field {selected.coordinate} cannot be included because it has arguments "
                    "(fields with argument are not allowed in @key)",
                )
            )
        if selected.node.directives:
            errors.append(
                CompositionError(
                    "KEY_HAS_DIRECTIVE_IN_FIELDS_ARGS",
                    f"{prefix}cannot have directive applications in the @key(fields:) argument",
                )
            )
        named = get_named_type(selected.field.type)
        kind = (
            "Interface"
            if isinstance(named, GraphQLInterfaceType)
            else "Union"
            if isinstance(named, GraphQLUnionType)
            else None
        )
        if kind is not None:
            errors.append(
                CompositionError(
                    "KEY_FIELDS_SELECT_INVALID_TYPE",
                    f'{prefix}field "{selected.coordinate}" is a {kind} type which is not allowed '
                    "in @key",
                )
            )
    return errors


def _selection_errors(
    subgraph: str,
    directive: str,
    coordinate: str,
    text: str,
    selection: ResolvedFieldSet,
    facts: SubgraphFacts,
) -> list[CompositionError]:
    code = directive.upper()
    prefix = f'[{subgraph}] On field "{coordinate}", for @{directive}(fields: "{text}"): '
    errors = [
        CompositionError(f"{code}_INVALID_FIELDS", prefix + _explain(p)) for p in selection.problems
    ]
    for selected in selection.selected:
        # A field nested under an external field needs no @external of its own.
        if selected.coordinate in facts.external or selected.node.selection_set is not None:
            continue
        if any(a in facts.external for a in selected.ancestors):
            continue
        errors.append(
            CompositionError(
                f"{code}_FIELDS_MISSING_EXTERNAL",
                f'{prefix}field "{selected.coordinate}" should not be part of a @{directive} since it '
                "is already provided by this subgraph (it is not marked @external)",
            )
        )
    return errors


def _explain(problem: str) -> str:
    if not problem.startswith("Cannot query field"):
        return problem
    return (
        f"{problem} (the field should either be added to this subgraph or, if it should not be "
        "resolved by this subgraph, you need to add it to this subgraph with @external)."
    )
