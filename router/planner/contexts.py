"""Contextual arguments (``@fromContext``): read the value on an ancestor, pass it as a variable.

A field some of whose arguments come from a context is always fetched through
an ``_entities`` hop at its parent object, even from the subgraph already at
hand: the value differs from one object to the next, so it travels as a
variable of that request (``$contextualArgument_1_0``), never inline.

For each such argument the walk goes up the enclosing places to the nearest
one whose objects can set the context, makes sure the value is fetched there
(the same ``require`` as for ``@requires``: possibly a hop to another subgraph
first, which the hop then waits for), and records a context rewrite, the
relative path from an entity to its value: one ``..`` per field level up
(list items do not count), ``... on T`` for the type that sets the context
(checked on the ancestor's ``__typename``, so that is fetched too; not at the
root), then the response names down to the value (Apollo's
``contextRewrites``). When only some of an ancestor's possible types set the
context (an interface or union above), farther ancestors are read too; the
executor takes, per entity, the first rewrite that finds a value, nearest
first. A value on the root (``type Query @context``) that the root fetch's
subgraph cannot give comes from a root fetch to one that can. Cost: one
``require`` per ancestor type read, nothing for fields without contextual
arguments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from router.operation import Fragment, Selection
from router.plan.nodes import KeyRenamer
from router.planner.capabilities import Capabilities, answers_all
from router.planner.errors import UnsatisfiableField
from router.planner.place import Place
from router.planner.selection_builder import SelectionBuilder
from router.supergraph import ContextArgument, FieldSelection, FieldSet


class Walk(Protocol):
    """What reading a context needs of the walk."""

    caps: Capabilities
    client_variables: frozenset[str]

    def require(
        self, place: Place, selections: tuple[Selection, ...], representation: SelectionBuilder
    ) -> set[int]:
        """Fetch ``selections`` at ``place``, mirror them; the groups that must run first."""
        ...

    def root_place(self, graph: str) -> Place:
        """The root of the operation as fetched from ``graph`` (a root fetch made if needed)."""
        ...


PARENT = ".."


@dataclass(frozen=True, slots=True)
class ContextVariable:
    """The variable an argument's value travels in, and its type in the subgraph."""

    argument: str
    name: str
    type: str


@dataclass(slots=True)
class ContextReads:
    """What reading the contextual arguments of one field takes."""

    sources: set[int]
    rewrites: list[KeyRenamer]
    variables: list[ContextVariable]


def require_contexts(
    walk: Walk, place: Place, field: str, arguments: tuple[ContextArgument, ...]
) -> ContextReads:
    """Read every contextual argument of ``field``, asked of the objects at ``place``.

    Context variables never reuse the name of one of the client's.
    """
    reads = ContextReads(set(), [], [])
    for argument in arguments:
        name = argument.variable
        while name in walk.client_variables:
            name += "_"
        found = _read_argument(walk, place, argument, name, reads.sources)
        if not found:
            raise UnsatisfiableField(
                f"{place.parent}.{field}: no enclosing object at {'.'.join(place.path)} sets the "
                f"context {argument.context!r} its argument {argument.name!r} reads; the "
                "supergraph does not satisfy this operation"
            )
        reads.rewrites += found
        reads.variables.append(ContextVariable(argument.name, name, argument.type))
    return reads


def _read_argument(
    walk: Walk, place: Place, argument: ContextArgument, variable: str, sources: set[int]
) -> list[KeyRenamer]:
    supergraph = walk.caps.supergraph
    setters = supergraph.context_types.get(argument.context, frozenset())
    found: list[KeyRenamer] = []
    ancestor = place.up
    while ancestor is not None:
        possible = supergraph.possible_types_of(ancestor.parent)
        setting = [name for name in possible if name in setters]
        up = (PARENT,) * place.levels_below(ancestor)
        for concrete in setting:
            chain = argument.reads_on(concrete)
            if chain is None:
                continue
            holder = _holder(walk, ancestor, concrete, chain)
            if holder is None:
                continue  # no subgraph that fetched these objects knows this type
            at = holder.guarded(place.conditions)
            path = _read_on(walk, at, concrete, chain, sources)
            if path is None:
                continue
            if ancestor.up is None:
                # The root: the value sits in the response data itself.
                found.append(KeyRenamer(up + path, variable))
            else:
                holder.builder.add_field("__typename")
                found.append(KeyRenamer((*up, f"... on {concrete}", *path), variable))
        if setting and len(setting) == len(possible):
            break  # every object here sets the context: nothing farther up is nearer
        ancestor = ancestor.up
    return found


def _holder(walk: Walk, ancestor: Place, concrete: str, chain: FieldSet) -> Place | None:
    """Which of the places holding the ancestor objects should fetch the value.

    The first (nearest group first) whose subgraph answers it without a hop;
    at the root, else a root fetch from a subgraph that answers it; else the
    earliest place, so that the hop for it waits on as little as possible.
    """
    capabilities = walk.caps
    candidates = [
        place
        for place in ancestor.origins()
        if place.parent == concrete
        or concrete in capabilities.possible_in(place.group.graph, place.parent)
    ]
    selections = capabilities.selections(concrete, chain)
    for place in candidates:
        graph = place.group.graph
        if place.parent == concrete and answers_all(
            capabilities, graph, concrete, selections, place.provided
        ):
            return place
        if place.parent != concrete and answers_all(
            capabilities, graph, place.parent, (Fragment(concrete, selections),), place.provided
        ):
            return place
    if ancestor.up is None:
        for graph in capabilities.graph_order:
            if answers_all(capabilities, graph, concrete, selections, None):
                return walk.root_place(graph)
    return candidates[-1] if candidates else None


def _read_on(
    walk: Walk, ancestor: Place, concrete: str, chain: FieldSet, sources: set[int]
) -> tuple[str, ...] | None:
    """Fetch ``chain`` on the ``concrete`` objects at ``ancestor``; the response names it lands under."""
    selections = walk.caps.selections(concrete, chain)
    mirror = SelectionBuilder()
    if ancestor.parent == concrete:
        sources |= walk.require(ancestor, selections, mirror)
        return _response_path(mirror, chain)
    sources |= walk.require(ancestor, (Fragment(concrete, selections),), mirror)
    # A subgraph that does not know the type never returns such objects here.
    return _response_path(mirror.fragments.get(concrete), chain)


def _response_path(mirror: SelectionBuilder | None, chain: FieldSet) -> tuple[str, ...] | None:
    """The response names under which ``chain``'s value was fetched (internal aliases included)."""
    path: list[str] = []
    builder = mirror
    while chain:
        step = chain[0]
        assert isinstance(step, FieldSelection)
        built = (
            next((b for b in builder.fields.values() if b.name == step.name), None)
            if builder is not None
            else None
        )
        if built is None:
            return None
        path.append(built.response_name)
        builder, chain = built.selections, step.selections
    return tuple(path)
