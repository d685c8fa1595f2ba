"""Contexts: ``@context(name:)`` on types and ``join__field(contextArguments:)`` (join v0.5).

A type sets a named context; an argument of a field further down takes its
value from the nearest ancestor that sets it (``@fromContext`` in the
subgraph). Composition records the argument on the field's ``join__field``,
not in the field's definition, so it never reaches the API schema.

The loader reads each contextual argument with :func:`read_context_arguments`,
then :func:`finish_context_arguments` resolves them against the whole schema:
for every object type setting the context, the one chain of fields the
selection reads there (``{ currency }``, ``{ owner { locale } }``, or one
``... on T { … }`` per type); and the variable the router passes the value
in, named as Apollo names it (``contextualArgument_<i>_<j>``: subgraphs in
name order from 1, that subgraph's contextual arguments in coordinate order
from 0), so our plans read like Apollo's. A selection that does not pick
exactly one value on a type setting the context, or a context no type sets,
makes the supergraph fail to load with an error naming the field: the router
never sends such a field without its argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from router.supergraph.errors import SupergraphError, UnsupportedSupergraphError
from router.supergraph.field_set import FieldSelection, FieldSet, parse_field_set
from router.supergraph.model import ContextArgument, TypeInfo, TypeKind


def read_context_arguments(raw: object, coordinate: str) -> tuple[ContextArgument, ...]:
    """The ``contextArguments`` of one ``join__field``; names and reads are filled in later."""
    if not isinstance(raw, list):
        raise SupergraphError(f"{coordinate}: contextArguments must be a list")
    found: list[ContextArgument] = []
    for item in raw:
        if not isinstance(item, dict) or not all(
            isinstance(item.get(key), str) for key in ("name", "type", "context", "selection")
        ):
            raise SupergraphError(
                f"{coordinate}: each contextArguments entry needs name, type, context and selection"
            )
        name = str(item["name"])
        try:
            selection = parse_field_set(str(item["selection"]))
        except SupergraphError as error:
            raise UnsupportedSupergraphError(
                f"{coordinate}({name}:) reads context {item['context']} through a selection "
                f"the router cannot read: {error}"
            ) from None
        found.append(ContextArgument(name, str(item["type"]), str(item["context"]), selection, ""))
    return tuple(found)


def context_setters(types: Mapping[str, TypeInfo]) -> dict[str, frozenset[str]]:
    """Context name → the object types that set it, directly or through an interface or union."""
    setters: dict[str, set[str]] = {}
    implementations: dict[str, list[str]] = {}
    for info in types.values():
        if info.kind is TypeKind.OBJECT:
            for interface in info.interfaces:
                implementations.setdefault(interface, []).append(info.name)
    for info in types.values():
        if not info.contexts:
            continue
        if info.kind is TypeKind.OBJECT:
            objects: list[str] = [info.name]
        elif info.kind is TypeKind.UNION:
            objects = list(info.members)
        else:
            objects = implementations.get(info.name, [])
        for context in info.contexts:
            setters.setdefault(context, set()).update(objects)
    return {context: frozenset(objects) for context, objects in setters.items()}


def finish_context_arguments(
    types: dict[str, TypeInfo],
    setters: Mapping[str, frozenset[str]],
    subgraph_names: list[str],
) -> None:
    """Give every contextual argument its variable name and per-type reads, in place.

    Only fields with contextual arguments are touched: the cost is nothing for
    a supergraph without contexts.
    """
    uses: dict[str, list[tuple[str, str, str, ContextArgument]]] = {}
    for info in types.values():
        for field in info.fields.values():
            for graph, in_graph in field.graphs.items():
                for argument in in_graph.context_arguments:
                    coordinate = f"{info.name}.{field.name}({argument.name}:)"
                    uses.setdefault(graph, []).append((coordinate, info.name, field.name, argument))
    order = {name: index for index, name in enumerate(sorted(subgraph_names))}
    for graph, found in uses.items():
        found.sort(key=lambda use: use[0])
        for index, (coordinate, type_name, field_name, argument) in enumerate(found):
            finished = replace(
                argument,
                variable=f"contextualArgument_{order[graph] + 1}_{index}",
                reads=_reads(types, setters, coordinate, argument),
            )
            graphs = types[type_name].fields[field_name].graphs
            in_graph = graphs[graph]
            assert isinstance(graphs, dict)
            graphs[graph] = replace(
                in_graph,
                context_arguments=tuple(
                    finished if a.name == argument.name else a for a in in_graph.context_arguments
                ),
            )


def _reads(
    types: Mapping[str, TypeInfo],
    setters: Mapping[str, frozenset[str]],
    coordinate: str,
    argument: ContextArgument,
) -> tuple[tuple[str, FieldSet], ...]:
    objects = setters.get(argument.context)
    if not objects:
        raise UnsupportedSupergraphError(
            f"{coordinate} reads context {argument.context!r}, which no type of the supergraph "
            "sets with @context"
        )
    return tuple(
        (name, _chain(types, name, argument.selection, coordinate, argument))
        for name in sorted(objects)
    )


def _chain(
    types: Mapping[str, TypeInfo],
    type_name: str,
    selection: FieldSet,
    coordinate: str,
    argument: ContextArgument,
) -> FieldSet:
    """The single chain of fields ``selection`` reads on objects of ``type_name``."""
    applicable = [
        inner
        for item in selection
        for inner in (
            (item,)
            if isinstance(item, FieldSelection)
            else item.selections
            if item.type_condition in (None, type_name)
            else ()
        )
    ]
    problem = None
    if len(applicable) != 1 or not isinstance(applicable[0], FieldSelection):
        problem = f"selects {len(applicable)} values on {type_name}, not one"
    else:
        field = applicable[0]
        info = types[type_name].fields.get(field.name)
        if info is None:
            problem = f"selects {type_name}.{field.name}, which does not exist"
        elif field.selections:
            if info.named_type not in types or not types[info.named_type].is_composite:
                problem = f"selects below the leaf field {type_name}.{field.name}"
            else:
                inner = _chain(types, info.named_type, field.selections, coordinate, argument)
                return (replace(field, selections=inner),)
        elif info.named_type in types and types[info.named_type].is_composite:
            problem = f"ends on {type_name}.{field.name}, which is not a leaf value"
        else:
            return (field,)
    raise UnsupportedSupergraphError(
        f"{coordinate} reads context {argument.context!r} through a selection the router cannot "
        f"serve: it {problem}; a contextual argument must read exactly one value on each type "
        "that sets its context"
    )
