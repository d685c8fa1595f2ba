"""Satisfiability: every field of the API schema can be fetched wherever a query may ask
for it.

The walk visits states (type, subgraph): "a value of this type was fetched from this
subgraph". It starts at each subgraph's root types, follows the fields the subgraph
resolves into their types (and abstract types into their possible types there). At every
state, each field of the type in the API schema must be resolvable by the current
subgraph or by one reached through entity keys: a jump to another subgraph uses a
``resolvable`` key of the type there whose fields the subgraphs reached so far resolve.
A field that cannot be is reported with the query that leads to it. Cost: states are at
most types x subgraphs, each visited once; key closures are linear in the keys.

Simplifications, on the lenient side: a field reached through ``@provides`` is taken as
resolvable wherever it is provided, and ``@requires`` is taken as satisfiable when the
type has a key in the requiring subgraph.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
)

from composition.errors import CompositionError
from composition.facts import SubgraphFacts
from composition.model import Supergraph
from composition.subgraph import Subgraph, applied, argument

ROOTS = ("Query", "Mutation")
MAX_STATES = 100_000


@dataclass(frozen=True, slots=True)
class _State:
    """A value of ``type_name`` that any of ``subgraphs`` may have fetched (the planner
    picks one of the subgraphs resolving a field, so every one of them is an option)."""

    type_name: str
    subgraphs: frozenset[int]


@dataclass(frozen=True, slots=True)
class _Step:
    """How a state was first reached: from which state, through which field or fragment."""

    parent: _State | None
    selection: str


class _Graph:
    def __init__(
        self, subgraphs: Sequence[Subgraph], facts: Sequence[SubgraphFacts], api: Supergraph
    ) -> None:
        self.subgraphs = subgraphs
        self.facts = facts
        self.api = api
        self.overridden: set[tuple[int, str]] = set()
        names = {s.name: i for i, s in enumerate(subgraphs)}
        for subgraph in subgraphs:
            for named in subgraph.types():
                for field_name, definition in getattr(named, "fields", {}).items():
                    for directive in applied(definition, "override"):
                        source = names.get(str(argument(directive, "from")))
                        if source is not None and argument(directive, "label") is None:
                            self.overridden.add((source, f"{named.name}.{field_name}"))

    def stand_in(self, index: int, type_name: str) -> str:
        """The type a subgraph knows a value by: itself, or an @interfaceObject of it."""
        if self.subgraphs[index].type(type_name) is not None:
            return type_name
        merged = self.api.types.get(type_name)
        for interface in merged.interfaces if merged is not None else ():
            if interface in self.facts[index].interface_objects:
                return interface
        return type_name

    def resolves(self, index: int, type_name: str, field_name: str) -> bool:
        type_name = self.stand_in(index, type_name)
        named = self.subgraphs[index].type(type_name)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            return False
        if field_name not in named.fields:
            return False
        coordinate = f"{type_name}.{field_name}"
        facts = self.facts[index]
        if coordinate in facts.removed or (index, coordinate) in self.overridden:
            return False
        return coordinate not in facts.external or coordinate in facts.provided

    def field_type(self, index: int, type_name: str, field_name: str) -> str:
        named = self.subgraphs[index].type(self.stand_in(index, type_name))
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        target: str = get_named_type(named.fields[field_name].type).name
        return target

    def closure(self, state: _State) -> list[int]:
        """Subgraphs that can resolve fields of the state's value: where it was fetched, and
        those reachable through keys whose fields are resolvable from what is reached."""
        if state.type_name in ROOTS:
            return [i for i, s in enumerate(self.subgraphs) if s.type(state.type_name)]
        reached = list(state.subgraphs)
        changed = True
        while changed:
            changed = False
            for index, facts in enumerate(self.facts):
                if index in reached:
                    continue
                for key in facts.keys.get(self.stand_in(index, state.type_name), []):
                    if not key.resolvable:
                        continue
                    needed = [s for s in key.selection.selected if not s.ancestors]
                    if all(
                        any(self.resolves(r, state.type_name, field.name) for r in reached)
                        for field in needed
                    ):
                        reached.append(index)
                        changed = True
                        break
        return reached


def check_satisfiability(
    subgraphs: Sequence[Subgraph], facts: Sequence[SubgraphFacts], supergraph: Supergraph
) -> list[CompositionError]:
    graph = _Graph(subgraphs, facts, supergraph)
    steps: dict[_State, _Step] = {}
    queue: deque[_State] = deque()
    for root in ROOTS:
        having = frozenset(
            i for i, s in enumerate(subgraphs) if getattr(s.type(root), "fields", None)
        )
        if having:
            state = _State(root, having)
            steps[state] = _Step(None, root)
            queue.append(state)
    errors: dict[str, CompositionError] = {}
    while queue and len(steps) < MAX_STATES:
        state = queue.popleft()
        merged = supergraph.types.get(state.type_name)
        if merged is None or merged.inaccessible:
            continue
        reachable = graph.closure(state)
        for field_name, field in merged.fields.items():
            if field.inaccessible:
                continue
            resolvers = [i for i in reachable if graph.resolves(i, state.type_name, field_name)]
            coordinate = f"{state.type_name}.{field_name}"
            if not resolvers:
                if coordinate not in errors:
                    errors[coordinate] = _error(graph, steps, state, field_name, reachable)
                continue
            target = graph.field_type(resolvers[0], state.type_name, field_name)
            step = _Step(state, field_name)
            _visit(_State(target, frozenset(resolvers)), step, steps, queue)
        _visit_possible_types(graph, state, steps, queue)
    return list(errors.values())


def _visit(state: _State, step: _Step, steps: dict[_State, _Step], queue: deque[_State]) -> None:
    if state not in steps:
        steps[state] = step
        queue.append(state)


def _visit_possible_types(
    graph: _Graph, state: _State, steps: dict[_State, _Step], queue: deque[_State]
) -> None:
    possible: dict[str, set[int]] = {}
    for index in state.subgraphs:
        named = graph.subgraphs[index].type(state.type_name)
        if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
            for member in graph.subgraphs[index].schema.get_possible_types(named):
                possible.setdefault(member.name, set()).add(index)
    for type_name, having in possible.items():
        step = _Step(state, f"... on {type_name}")
        _visit(_State(type_name, frozenset(having)), step, steps, queue)


def _error(
    graph: _Graph,
    steps: dict[_State, _Step],
    state: _State,
    field_name: str,
    reachable: list[int],
) -> CompositionError:
    path = [field_name]
    current: _State | None = state
    while current is not None:
        step = steps[current]
        if step.parent is None:
            break
        path.append(step.selection)
        current = step.parent
    selections = list(reversed(path))
    lines = ["{"]
    for depth, selection in enumerate(selections, start=1):
        last = depth == len(selections)
        lines.append("  " * depth + selection + ("" if last else " {"))
    lines.extend("  " * depth + "}" for depth in range(len(selections) - 1, -1, -1))
    query = "\n".join(lines)
    root = steps[current].selection if current is not None else "Query"
    if root != "Query":
        query = f"{root.lower()} {query}"
    coordinate = f"{state.type_name}.{field_name}"
    reasons = []
    for index in sorted(reachable):
        name = graph.subgraphs[index].name
        reasons.append(f'- from subgraph "{name}": cannot find field "{coordinate}".')
    others = [
        graph.subgraphs[i].name
        for i in range(len(graph.subgraphs))
        if i not in reachable and graph.resolves(i, state.type_name, field_name)
    ]
    if others:
        reasons.append(
            f"- subgraph{'s' if len(others) > 1 else ''} "
            + ", ".join(f'"{o}"' for o in others)
            + f' resolve{"" if len(others) > 1 else "s"} "{coordinate}" but cannot be reached: '
            f'no resolvable @key of "{state.type_name}" there can be satisfied from subgraph'
            f"{'s' if len(state.subgraphs) > 1 else ''} "
            + ", ".join(f'"{graph.subgraphs[i].name}"' for i in sorted(state.subgraphs))
            + "."
        )
    return CompositionError(
        "SATISFIABILITY_ERROR",
        f"The following supergraph API query:\n{query}\n"
        "cannot be satisfied by the subgraphs because:\n" + "\n".join(reasons),
    )
