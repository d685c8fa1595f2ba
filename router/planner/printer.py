"""``print_plan()``: a plan as stable, indented text in Apollo's query plan notation.

``Fetch(service: "x") { {selection} }``, ``Flatten(path: "a.@") {…}`` (a type
condition written after its step, ``"a.@|[T].b"``; or
``Flatten(paths: ["a.@", "b.@"]) {…}`` for one request serving several paths,
which Apollo's notation lacks), and for an ``_entities`` fetch the
representation selection, ``=>``, its rewrites as comments (``# set`` for
input rewrites, ``# context $var = .. / ... on T / field`` for where a
contextual argument's value is read), then the selection asked of each entity;
``# rename path to name`` before a selection for an output rewrite (a field
aliased because its subgraph-local type clashes with a sibling's);
``# operation @d`` for the directives the subgraph operation itself carries
(which Apollo's notation leaves out).
A subscription prints as ``Subscription { Primary: {…}, Rest: {…} }``, as
Apollo prints it, except that without a ``Rest`` Apollo leaves a stray
closing brace where the ``Rest`` would be and this printer does not.
A deferred plan prints as Apollo prints it: ``Defer { Primary { {selection}:
plan }, [ Deferred(depends: [ids], path: "a/b", label: "x") { {selection}:
plan }, ] }``, and a fetch that a deferred part depends on shows its ``id``.
Subgraph operations are re-parsed with graphql-core and printed one field a
line, so the text does not depend on how compactly the operation was written.
``notes`` add one comment line to some fetches (keyed by the node's ``id()``):
the router uses it to show how its entity cache answered each fetch.
"""

from __future__ import annotations

from collections.abc import Mapping

from graphql import FieldNode, OperationDefinitionNode, parse, print_ast

from router.plan.nodes import (
    ConditionNode,
    DeferNode,
    DeferredNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    QueryPlan,
    RequiredField,
    RequiredSelection,
    SequenceNode,
    SubscriptionNode,
)

Notes = Mapping[int, str]


def print_plan(plan: QueryPlan, notes: Mapping[int, str] | None = None) -> str:
    lines = ["QueryPlan {"]
    if plan.node is not None:
        lines.extend(_node(plan.node, 1, notes or {}))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _indent(text: str, depth: int) -> list[str]:
    pad = "  " * depth
    return [pad + line if line else line for line in text.splitlines()]


def _path(path: tuple[str, ...]) -> str:
    """A flatten path, a type condition written after its step as ``|[T]`` as Apollo writes
    type-conditioned paths: ``search.@|[User].reviews``."""
    steps: list[str] = []
    for step in path:
        if step.startswith("... on ") and steps:
            steps[-1] += f"|[{step.removeprefix('... on ')}]"
        else:
            steps.append(step)
    return ".".join(steps)


def _node(node: PlanNode, depth: int, notes: Notes) -> list[str]:
    pad = "  " * depth
    if isinstance(node, FetchNode):
        return _fetch(node, depth, notes)
    if isinstance(node, FlattenNode):
        if node.other_paths:
            paths = ", ".join(f'"{_path(path)}"' for path in node.paths)
            header = f"{pad}Flatten(paths: [{paths}]) {{"
        else:
            header = f'{pad}Flatten(path: "{_path(node.path)}") {{'
        return [header, *_node(node.node, depth + 1, notes), f"{pad}}},"]
    if isinstance(node, SequenceNode | ParallelNode):
        title = "Sequence" if isinstance(node, SequenceNode) else "Parallel"
        inner = [line for child in node.nodes for line in _node(child, depth + 1, notes)]
        return [f"{pad}{title} {{", *inner, f"{pad}}},"]
    if isinstance(node, SubscriptionNode):
        return _subscription(node, depth, notes)
    if isinstance(node, DeferNode):
        return _defer(node, depth, notes)
    return _condition(node, depth, notes)


def _defer(node: DeferNode, depth: int, notes: Notes) -> list[str]:
    pad = "  " * depth
    lines = [f"{pad}Defer {{", f"{pad}  Primary {{"]
    lines.extend(_part(node.primary.subselection, node.primary.node, depth + 2, notes))
    lines.append(f"{pad}  }}, [")
    for deferred in node.deferred:
        lines.extend(_deferred(deferred, depth + 2, notes))
    lines.extend([f"{pad}  ]", f"{pad}}},"])
    return lines


def _deferred(node: DeferredNode, depth: int, notes: Notes) -> list[str]:
    pad = "  " * depth
    depends = ", ".join(str(d) for d in node.depends)
    header = f'{pad}Deferred(depends: [{depends}], path: "{"/".join(node.path)}"'
    if node.label is not None:
        header += f', label: "{node.label}"'
    return [
        header + ") {",
        *_part(node.subselection, node.node, depth + 1, notes),
        f"{pad}}},",
    ]


def _part(subselection: str | None, node: PlanNode | None, depth: int, notes: Notes) -> list[str]:
    lines: list[str] = []
    if subselection is not None:
        lines.extend(_indent(subselection, depth))
        if node is not None:
            lines[-1] += ":"
    if node is not None:
        lines.extend(_last_without_comma(_node(node, depth, notes)))
    return lines


def _subscription(node: SubscriptionNode, depth: int, notes: Notes) -> list[str]:
    # Apollo's layout: the node inside Primary and Rest is not followed by a comma.
    pad = "  " * depth
    lines = [f"{pad}Subscription {{", f"{pad}  Primary: {{"]
    lines.extend(_last_without_comma(_node(node.primary, depth + 2, notes)))
    lines.append(f"{pad}  }},")
    if node.rest is not None:
        lines.append(f"{pad}  Rest: {{")
        lines.extend(_last_without_comma(_node(node.rest, depth + 2, notes)))
        lines.append(f"{pad}  }}")
    lines.append(f"{pad}}},")
    return lines


def _last_without_comma(lines: list[str]) -> list[str]:
    return [*lines[:-1], lines[-1].removesuffix(",")]


def _condition(node: ConditionNode, depth: int, notes: Notes) -> list[str]:
    pad = "  " * depth
    if node.else_clause is None and node.if_clause is not None:
        return [
            f"{pad}Include(if: ${node.condition}) {{",
            *_node(node.if_clause, depth + 1, notes),
            f"{pad}}},",
        ]
    if node.if_clause is None and node.else_clause is not None:
        return [
            f"{pad}Skip(if: ${node.condition}) {{",
            *_node(node.else_clause, depth + 1, notes),
            f"{pad}}},",
        ]
    lines = [f"{pad}Condition(if: ${node.condition}) {{"]
    for title, clause in (("Then", node.if_clause), ("Else", node.else_clause)):
        lines.append(f"{pad}  {title} {{")
        if clause is not None:
            lines.extend(_node(clause, depth + 2, notes))
        lines.append(f"{pad}  }},")
    lines.append(f"{pad}}},")
    return lines


def _fetch(node: FetchNode, depth: int, notes: Notes) -> list[str]:
    pad = "  " * depth
    document = parse(node.operation)
    definition = document.definitions[0]
    assert isinstance(definition, OperationDefinitionNode)
    selection_set = definition.selection_set
    fetch_id = f", id: {node.id}" if node.id is not None else ""
    lines = [f'{pad}Fetch(service: "{node.service_name}"{fetch_id}) {{']
    note = notes.get(id(node))
    if note is not None:
        lines.append(f"{pad}  {note}")
    if definition.directives:
        directives = " ".join(print_ast(d) for d in definition.directives)
        lines.append(f"{pad}  # operation {directives}")
    if node.requires:
        entities = selection_set.selections[0]
        assert isinstance(entities, FieldNode) and entities.selection_set is not None
        selection_set = entities.selection_set
        required = print_ast(parse("{" + _required(node.requires) + "}").definitions[0])
        lines.extend(_indent(required, depth + 1))
        lines[-1] += " =>"
        for rewrite in node.input_rewrites:
            lines.append(f"{pad}  # set {'.'.join(rewrite.path)} = {rewrite.value!r}")
        for renamer in node.context_rewrites:
            path = " / ".join(renamer.path)
            lines.append(f"{pad}  # context ${renamer.rename_to} = {path}")
    for renamer in node.output_rewrites:
        lines.append(f"{pad}  # rename {' / '.join(renamer.path)} to {renamer.rename_to}")
    lines.extend(_indent(print_ast(selection_set), depth + 1))
    lines.append(f"{pad}}},")
    return lines


def _required(selections: tuple[RequiredSelection, ...]) -> str:
    parts: list[str] = []
    for selection in selections:
        if isinstance(selection, RequiredField):
            text = f"{selection.alias}: {selection.name}" if selection.alias else selection.name
            if selection.selections:
                text += " {" + _required(selection.selections) + "}"
        else:
            text = f"... on {selection.type_condition} {{{_required(selection.selections)}}}"
        parts.append(text)
    return " ".join(parts)
