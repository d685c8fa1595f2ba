"""Executable directive definitions (``on FIELD``, ``on QUERY``...): kept in the supergraph
when every subgraph defines them, with the locations, arguments and repeatability they all
share. Type-system directives of the subgraphs are not composed."""

from __future__ import annotations

from collections.abc import Sequence

from graphql import (
    DirectiveDefinitionNode,
    DirectiveLocation,
    GraphQLDirective,
    specified_directives,
)

from composition.model import print_value
from composition.printer import description
from composition.subgraph import FEDERATION_DEFINITIONS, Subgraph
from composition.typerefs import merge_type_references

EXECUTABLE_LOCATIONS = frozenset(
    {
        DirectiveLocation.QUERY,
        DirectiveLocation.MUTATION,
        DirectiveLocation.SUBSCRIPTION,
        DirectiveLocation.FIELD,
        DirectiveLocation.FRAGMENT_DEFINITION,
        DirectiveLocation.FRAGMENT_SPREAD,
        DirectiveLocation.INLINE_FRAGMENT,
        DirectiveLocation.VARIABLE_DEFINITION,
    }
)
_NOT_COMPOSED = frozenset(
    {d.name for d in specified_directives}
    | {
        d.name.value
        for d in FEDERATION_DEFINITIONS.definitions
        if isinstance(d, DirectiveDefinitionNode)
    }
)


def merge_executable_directives(subgraphs: Sequence[Subgraph]) -> dict[str, str]:
    """Printed definitions of the executable directives all subgraphs share, by name."""
    printed: dict[str, str] = {}
    first, *others = subgraphs
    for directive in first.schema.directives:
        if directive.name in _NOT_COMPOSED:
            continue
        versions = [directive]
        for subgraph in others:
            found = subgraph.schema.get_directive(directive.name)
            if found is None:
                break
            versions.append(found)
        else:
            definition = _merged(versions)
            if definition is not None:
                printed[directive.name] = definition
    return printed


def _merged(versions: list[GraphQLDirective]) -> str | None:
    locations = [
        location
        for location in versions[0].locations
        if location in EXECUTABLE_LOCATIONS and all(location in v.locations for v in versions)
    ]
    if not locations:
        return None
    arguments = []
    for name, argument in versions[0].args.items():
        present = [v.args[name] for v in versions if name in v.args]
        if len(present) < len(versions):
            continue
        merged_type = merge_type_references([a.type for a in present], set(), output=False)
        if merged_type is None:
            return None
        default = ""
        if argument.ast_node is not None and argument.ast_node.default_value is not None:
            default = " = " + print_value(argument.ast_node.default_value)
        arguments.append(f"{name}: {merged_type}{default}")
    text = description(versions[0].description) + f"directive @{versions[0].name}"
    if arguments:
        text += "(" + ", ".join(arguments) + ")"
    if all(v.is_repeatable for v in versions):
        text += " repeatable"
    return text + " on " + " | ".join(location.name for location in locations)
