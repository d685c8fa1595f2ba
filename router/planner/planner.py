"""``plan()``: choose subgraphs for the root fields, walk the operation, emit the plan.

Root fields of a query are spread over subgraphs by the same weighted set
cover as hops (price: the estimated fetches below the field from that
subgraph), so root fields sharing a subgraph share one fetch and the entry
point is chosen by the cost of the whole subtree, not by declaration order.
Mutation fields keep document order; consecutive fields on one subgraph share
a fetch, as their side effects still run in order inside it. A subscription
has one root field, subscribed to at one subgraph: like a mutation field, it
is never asked again from another. With ``@defer``, the operation's own
selections are planned first (the primary part), then every deferred
fragment from the place its parent field was planned at, into fetch groups
of its own (see :mod:`.defer` and :class:`~router.planner.walk.Walker`).
Sibling groups that send the same request become one before emission
(:mod:`.siblings`).
Pure and deterministic: no I/O, no clock,
stable iteration orders.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from router.operation import Deferred, Field, Operation, Selection
from router.operation.merge import merge_selections
from router.plan.nodes import (
    ConditionNode,
    DeferNode,
    DeferredNode,
    OperationKind,
    PlanNode,
    PrimaryDefer,
    QueryPlan,
)
from router.planner.budget import DEFAULT_BUDGET, DEFAULT_MAX_DEFER_CONDITIONS, Budget
from router.planner.capabilities import ROOT_ONLY_FIELDS, Capabilities
from router.planner.cost import CostModel
from router.planner.cover import cover
from router.planner.defer import (
    all_deferred_selections,
    defer_variables,
    print_selections,
    resolve_defers,
    selections_on,
)
from router.planner.divergence import divergent_paths
from router.planner.emit import Emitter
from router.planner.errors import TooManyDeferConditions, UnsatisfiableField
from router.planner.fetch_graph import FetchGraph, FetchGroup
from router.planner.input_values import refuse_unknown_literals
from router.planner.place import Place
from router.planner.price import Cost
from router.planner.siblings import merge_sibling_fetches
from router.planner.walk import Walker
from router.supergraph import Supergraph


def plan(
    supergraph: Supergraph,
    operation: Operation,
    *,
    budget: int = DEFAULT_BUDGET,
    max_defer_conditions: int = DEFAULT_MAX_DEFER_CONDITIONS,
    override_labels: frozenset[str] = frozenset(),
) -> QueryPlan:
    """Plan ``operation`` over ``supergraph``; raises ``PlanningBudgetExceeded`` past ``budget`` steps.

    One budget for the whole call: an operation with ``@defer(if: $v)`` is
    planned once per choice of those variables, and every choice spends from
    it. More than ``max_defer_conditions`` such variables is refused before
    any planning (:class:`TooManyDeferConditions`): each one doubles the plans.
    ``override_labels`` are the progressive ``@override`` labels switched on
    for this request (none by default: labelled fields stay where they were).
    """
    variables = defer_variables(operation)
    if len(variables) > max_defer_conditions:
        raise TooManyDeferConditions(
            f"The operation defers fragments on {len(variables)} different variables "
            f"(@defer(if: $v)); at most {max_defer_conditions} are planned, as each one "
            "doubles the plans: use fewer variables, or the same variable for several fragments."
        )
    steps = Budget(budget)
    return QueryPlan(
        _by_defer_conditions(supergraph, operation, variables, {}, steps, override_labels)
    )


def _by_defer_conditions(
    supergraph: Supergraph,
    operation: Operation,
    variables: list[str],
    values: dict[str, bool],
    steps: Budget,
    override_labels: frozenset[str],
) -> PlanNode | None:
    """One plan per choice of the ``@defer(if: $v)`` variables, under Condition nodes."""
    if not variables:
        steps.spend()  # every choice costs, even one that plans nothing
        resolved = resolve_defers(operation, values)
        return _Planning(supergraph, resolved, steps, override_labels).run()
    first, rest = variables[0], variables[1:]
    then, otherwise = (
        _by_defer_conditions(
            supergraph, operation, rest, {**values, first: value}, steps, override_labels
        )
        for value in (True, False)
    )
    return ConditionNode(first, then, otherwise)


@dataclass(slots=True)
class _Part:
    """A deferred fragment's share of the fetch graph: its own groups and its nested parts."""

    deferred: Deferred
    path: tuple[str, ...]
    roots: list[FetchGroup]
    members: set[int]
    children: list[_Part]


class _Planning:
    def __init__(
        self,
        supergraph: Supergraph,
        operation: Operation,
        steps: Budget,
        override_labels: frozenset[str],
    ) -> None:
        self.supergraph = supergraph
        self.operation = operation
        self.steps = steps
        self.capabilities = Capabilities(
            supergraph,
            override_labels,
            {v.name: v.default for v in operation.variables if v.default is not None},
        )
        refuse_unknown_literals(self.capabilities, operation.selections)
        for selections in all_deferred_selections(operation):
            refuse_unknown_literals(self.capabilities, selections)
        self.cost = CostModel(self.capabilities, self.steps)
        self.fetch_graph = FetchGraph()
        # The root groups being built: those of the operation, then of a deferred part.
        self.roots: list[FetchGroup] = []
        self.walker = Walker(
            self.fetch_graph,
            self.capabilities,
            self.cost,
            self.steps,
            self.root_place,
            frozenset(v.name for v in operation.variables),
            divergent_paths(operation.selections, operation.deferred),
        )

    def root_place(self, graph: str) -> Place:
        """A root fetch from ``graph`` for a value on the root (``type Query @context``)."""
        root = self.operation.root_type
        group = next((r for r in self.roots if r.graph == graph), None)
        if group is None:
            group = self.fetch_graph.new_group(graph, (), is_entity=False, root_type=root)
            group.guard(())  # what it fetches is needed whatever fields join it later
            self.roots.append(group)
        return Place(group, group.selection, root, (), None, ())

    def run(self) -> PlanNode | None:
        operation = self.operation
        roots = self.place_roots(operation.selections, operation.kind)
        primary = set(range(len(self.fetch_graph.groups)))
        deferrals: list[tuple[Place | None, Deferred]] = [(None, d) for d in operation.deferred]
        deferrals += self.walker.take_deferrals()
        parts = self.parts(deferrals)
        merge_sibling_fetches(
            self.fetch_graph,
            [primary, *_all_members(parts)],
            by_root=operation.kind is OperationKind.MUTATION,
        )
        emitter = Emitter(self.fetch_graph, operation, self.supergraph)
        if not parts:
            return emitter.emit(roots)
        emitter.fetch_ids = _fetch_ids(self.fetch_graph, parts)
        return DeferNode(
            PrimaryDefer(
                print_selections(operation.selections),
                emitter.emit(roots, primary),
            ),
            tuple(self.emit_part(emitter, part) for part in parts),
        )

    def parts(self, deferrals: list[tuple[Place | None, Deferred]]) -> list[_Part]:
        """Plan deferred fragments one after the other, each from the place of its parent.

        A fragment deferred inside a fragment on an abstract type comes once per concrete
        type that fragment stands for, at the same place: those are one deferred fragment,
        planned once with a fragment on each type."""
        placed: dict[tuple[int, tuple[str, ...]], tuple[Place | None, list[Deferred]]] = {}
        for place, deferred in deferrals:
            key = (deferred.offset, place.path if place is not None else ())
            placed.setdefault(key, (place, []))[1].append(deferred)
        return [self.part(place, _joined(place, copies)) for place, copies in placed.values()]

    def part(self, place: Place | None, deferred: Deferred) -> _Part:
        groups = self.fetch_graph.groups
        start = self.fetch_graph.floor = len(groups)
        if place is None:
            # At the root there is no entity to hop from: root fetches of its own.
            roots = self.place_roots(deferred.selections, OperationKind.QUERY)
        else:
            self.roots = []
            selections: tuple[Selection, ...] = deferred.selections
            if deferred.parent_type != place.parent:
                if self.walker.caps.interface_object_in(place.group.graph, place.parent):
                    # The parent's subgraph has the interface as an object, not the
                    # fragment's type: the part hops to one that has, as a fragment on it.
                    selections = selections_on(place.parent, deferred)
                else:
                    place = place.narrow(deferred.parent_type)
            left = self.walker.plan(place, selections, deferring=True)
            if left:
                # No hop reaches these (no key): the parent's fetch brings them.
                self.walker.plan(place, tuple(left))
            roots = [g for g in groups[start:] if not g.deps & set(range(start, len(groups)))]
        members = set(range(start, len(groups)))
        nested: list[tuple[Place | None, Deferred]] = list(self.walker.take_deferrals())
        nested += [(place, inner) for inner in deferred.deferred]
        return _Part(
            deferred,
            place.path if place is not None else (),
            roots,
            members,
            self.parts(nested),
        )

    def emit_part(self, emitter: Emitter, part: _Part) -> DeferredNode:
        node = emitter.emit(part.roots, part.members, ordered=False)
        subselection = print_selections(part.deferred.selections)
        depends = sorted(
            {
                emitter.fetch_ids[dep]
                for member in part.members
                for dep in self.fetch_graph.group(member).deps
                if dep not in part.members and dep in emitter.fetch_ids
            }
        )
        if part.children:
            node = DeferNode(
                PrimaryDefer(subselection, node),
                tuple(self.emit_part(emitter, child) for child in part.children),
            )
        return DeferredNode(
            depends=tuple(depends),
            path=tuple(step for step in part.path if step != "@"),
            label=part.deferred.label,
            offset=part.deferred.offset,
            subselection=None if part.children else subselection,
            node=node,
        )

    def place_roots(
        self, selections: tuple[Selection, ...], kind: OperationKind
    ) -> list[FetchGroup]:
        """Root fields into root fetch groups, walked below; the groups in plan order."""
        capabilities, cost, fetch_graph = self.capabilities, self.cost, self.fetch_graph
        fields = [
            s
            for s in selections
            if isinstance(s, Field) and s.name != "__typename" and s.name not in ROOT_ONLY_FIELDS
        ]
        root = self.operation.root_type
        prices = [_root_prices(capabilities, cost, root, f) for f in fields]
        for field, options in zip(fields, prices, strict=True):
            if not options:
                raise UnsatisfiableField(f"no subgraph resolves the root field {root}.{field.name}")
        mutation = kind is OperationKind.MUTATION
        if mutation:
            chosen: list[str | None] = _in_order(prices)
        else:
            chosen = cover(prices, lambda _: False, lambda graph: capabilities.graph_order[graph])
        once = _ONCE.get(kind)
        roots = self.roots = []
        pending = [
            (field, graph, frozenset[str]()) for field, graph in zip(fields, chosen, strict=True)
        ]
        while pending:
            field, graph, tried = pending.pop(0)
            assert graph is not None
            # Mutation fields share a fetch only with the field just before them.
            candidates = roots[-1:] if mutation else roots
            group = next((r for r in candidates if r.graph == graph), None)
            if group is None:
                group = fetch_graph.new_group(graph, (), is_entity=False, root_type=root)
                roots.append(group)
            group.guard(field.conditions)
            left = self.walker.plan(Place(group, group.selection, root, (), None, ()), (field,))
            if left:
                # A value-type selection this subgraph cannot complete: ask the
                # root field again, for what is missing, from another subgraph.
                tried = tried | {graph}
                options = {
                    g: price
                    for g, price in _root_prices(capabilities, cost, root, field).items()
                    if g not in tried
                }
                retry = min(options, key=lambda g: options[g], default=None)
                if retry is None or once:
                    raise UnsatisfiableField(
                        f"no subgraph completes the selection of {root}.{field.name}"
                        + (f" ({once})" if once else "")
                    )
                for extra in left:
                    assert isinstance(extra, Field)
                    pending.append((extra, retry, tried))
        return roots


def _joined(place: Place | None, copies: list[Deferred]) -> Deferred:
    """One deferred fragment from its copies on different concrete types at ``place``."""
    if place is None or len(copies) == 1:
        return copies[0]
    selections = [s for copy in copies for s in selections_on(place.parent, copy)]
    return replace(
        copies[0],
        parent_type=place.parent,
        selections=merge_selections(selections),
        deferred=tuple(inner for copy in copies for inner in copy.deferred),
    )


def _all_members(parts: list[_Part]) -> list[set[int]]:
    """The groups of every deferred part, nested parts included, one set each."""
    found: list[set[int]] = []
    stack = list(parts)
    while stack:
        part = stack.pop()
        stack.extend(part.children)
        found.append(part.members)
    return found


def _fetch_ids(fetch_graph: FetchGraph, parts: list[_Part]) -> dict[int, int]:
    """Ids for the fetches a deferred part builds on, numbered in plan order."""
    depended: set[int] = set()
    stack = list(parts)
    while stack:
        part = stack.pop()
        stack.extend(part.children)
        for member in part.members:
            depended |= fetch_graph.group(member).deps - part.members
    return {group_id: index for index, group_id in enumerate(sorted(depended))}


# Root fields that cannot be asked again from a second subgraph, and why.
_ONCE = {
    OperationKind.MUTATION: "a mutation field runs once, in one subgraph",
    OperationKind.SUBSCRIPTION: "a subscription field subscribes at one subgraph",
}


def _root_prices(
    capabilities: Capabilities, cost: CostModel, root: str, field: Field
) -> dict[str, Cost]:
    return {
        graph: cost.estimate(
            graph,
            field.type,
            field.selections,
            capabilities.field_provides(graph, root, field.name),
        )
        for graph in capabilities.supergraph.subgraphs
        if capabilities.resolvable(graph, root, field, None)
    }


def _in_order(prices: list[dict[str, Cost]]) -> list[str | None]:
    """Mutation fields: the cheapest subgraph each, staying on the previous one on a tie."""
    chosen: list[str | None] = []
    previous: str | None = None
    for options in prices:
        best = min(options.values())
        pick = previous if previous in options and options[previous] == best else None
        if pick is None:
            pick = next(graph for graph, price in options.items() if price == best)
        chosen.append(pick)
        previous = pick
    return chosen
