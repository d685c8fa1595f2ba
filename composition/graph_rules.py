"""Rules the merged graph itself must satisfy, beyond what each subgraph checks.

``INTERFACE_FIELD_NO_IMPLEM``: an object implementing an interface has every field of that
interface (a subgraph may add an interface field that an implementation defined in other
subgraphs never gets).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from graphql import GraphQLError, build_ast_schema, parse, validate_schema

from composition.errors import CompositionError, quoted_list
from composition.model import Supergraph
from composition.sources import Source


def interface_implementations(
    supergraph: Supergraph, by_name: Mapping[str, Sequence[Source]]
) -> list[CompositionError]:
    errors: list[CompositionError] = []
    for merged in supergraph.types.values():
        if merged.kind != "object":
            continue
        for interface_name in merged.interfaces:
            interface = supergraph.types.get(interface_name)
            if interface is None:
                continue
            for field_name in interface.fields:
                if field_name in merged.fields:
                    continue
                declared = [
                    s.subgraph.name
                    for s in by_name.get(interface_name, ())
                    if field_name in getattr(s.type, "fields", {})
                ]
                implementing = [
                    s.subgraph.name
                    for s in by_name.get(merged.name, ())
                    if interface_name in [i.name for i in getattr(s.type, "interfaces", ())]
                ]
                errors.append(
                    CompositionError(
                        "INTERFACE_FIELD_NO_IMPLEM",
                        f'Interface field "{interface_name}.{field_name}" is declared in subgraph'
                        f"{'s' if len(declared) > 1 else ''} {quoted_list(declared)} but type "
                        f'"{merged.name}", which implements "{interface_name}" only in subgraph'
                        f"{'s' if len(implementing) > 1 else ''} {quoted_list(implementing)} does not have "
                        f'field "{field_name}".',
                    )
                )
    return errors


def interface_object_usage(by_name: Mapping[str, Sequence[Source]]) -> list[CompositionError]:
    """An ``@interfaceObject`` stands for an interface some subgraph defines."""
    errors = []
    for name, sources in by_name.items():
        objects = [s.subgraph.name for s in sources if name in s.facts.interface_objects]
        if objects and len(objects) == len(sources):
            errors.append(
                CompositionError(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'Type "{name}" is declared with @interfaceObject in all the subgraphs in which '
                    f"it is defined (it is defined in subgraph{'s' if len(objects) > 1 else ''} "
                    f"{quoted_list(objects)} but should be defined as an interface in at least one "
                    "subgraph)",
                )
            )
    return errors


def valid_schema(supergraph_sdl: str) -> list[CompositionError]:
    """The printed supergraph is a valid GraphQL schema (``INVALID_GRAPHQL`` otherwise)."""
    try:
        schema = build_ast_schema(parse(supergraph_sdl))
    except (GraphQLError, TypeError) as exc:
        return [CompositionError("INVALID_GRAPHQL", str(exc))]
    return [CompositionError("INVALID_GRAPHQL", e.message) for e in validate_schema(schema)]
