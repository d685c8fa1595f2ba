"""Input values a subgraph does not know: refuse literals up front, describe them for variables.

Composition keeps, in input positions, only the enum values and input fields
every subgraph knows, but ``@inaccessible`` and hand-written supergraphs
(``join__enumValue``, ``join__field`` on input fields) can offer clients a
value that a subgraph resolving the field would reject. Literal arguments and
variable defaults are in the operation: capabilities route each field to a
subgraph that accepts them, and :func:`refuse_unknown_literals` stops the
operation with a clear error when none does. A variable's value arrives only
with the request: :func:`unknown_inputs` lists, for a fetch, what its
subgraph lacks in the input types its variables reach, and the executor
checks the values against that before sending anything. Cost: one pass over
the operation's fields with arguments; per fetch, one walk of the input types
its variables reach.
"""

from __future__ import annotations

from router.operation import Field, Selection
from router.plan.nodes import UnknownInputs
from router.planner.capabilities import Capabilities
from router.planner.errors import UnknownInputValue
from router.supergraph import Supergraph, TypeKind


def refuse_unknown_literals(capabilities: Capabilities, selections: tuple[Selection, ...]) -> None:
    """Raise :class:`UnknownInputValue` for a field whose argument values no owner accepts."""
    for selection in selections:
        if isinstance(selection, Field) and selection.arguments:
            _check_field(capabilities, selection)
        refuse_unknown_literals(capabilities, selection.selections)


def _check_field(capabilities: Capabilities, field: Field) -> None:
    parent = capabilities.supergraph.types.get(field.parent_type)
    info = parent.fields.get(field.name) if parent else None
    if info is None:  # introspection
        return
    owners = [graph for graph, in_graph in info.graphs.items() if not in_graph.external]
    refusals = {
        graph: refusal
        for graph in owners
        if (refusal := capabilities.argument_refusal(graph, field.parent_type, field)) is not None
    }
    if owners and len(refusals) == len(owners):
        details = "; ".join(f'in subgraph "{graph}", {why}' for graph, why in refusals.items())
        raise UnknownInputValue(
            f"The arguments of {field.parent_type}.{field.name} use a value that no subgraph "
            f"resolving that field accepts: {details}."
        )


def unknown_inputs(
    supergraph: Supergraph, graph: str, type_names: frozenset[str]
) -> tuple[UnknownInputs, ...]:
    """What ``graph`` lacks in the input types reachable from ``type_names``, by type name."""
    found: list[UnknownInputs] = []
    seen: set[str] = set()
    pending = sorted(type_names)
    while pending:
        name = pending.pop()
        info = supergraph.types.get(name)
        if name in seen or info is None:
            continue
        seen.add(name)
        if info.kind is TypeKind.ENUM:
            names = {value for value, graphs in info.enum_values.items() if graph not in graphs}
        elif info.kind is TypeKind.INPUT_OBJECT:
            names = {f.name for f in info.fields.values() if f.graphs and graph not in f.graphs}
            pending.extend(f.named_type for f in info.fields.values())
        else:
            continue
        if names:
            found.append(UnknownInputs(name, frozenset(names)))
    return tuple(sorted(found, key=lambda unknown: unknown.type_name))
