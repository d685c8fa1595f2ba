"""``plan()``: choose subgraphs for the root fields, walk the operation, emit the plan.

Root fields of a query are spread over subgraphs by the same weighted set
cover as hops (price: the estimated fetches below the field from that
subgraph), so root fields sharing a subgraph share one fetch and the entry
point is chosen by the cost of the whole subtree, not by declaration order.
Mutation fields keep document order; consecutive fields on one subgraph share
a fetch, as their side effects still run in order inside it. A subscription
has one root field, subscribed to at one subgraph: like a mutation field, it
is never asked again from another. Pure and deterministic: no I/O, no clock,
stable iteration orders.
"""

from __future__ import annotations

from router.operation import Field, Operation
from router.plan.nodes import OperationKind, QueryPlan
from router.planner.budget import DEFAULT_BUDGET, Budget
from router.planner.capabilities import ROOT_ONLY_FIELDS, Capabilities
from router.planner.cost import CostModel
from router.planner.cover import cover
from router.planner.emit import Emitter
from router.planner.errors import UnsatisfiableField
from router.planner.fetch_graph import FetchGraph, FetchGroup
from router.planner.input_values import refuse_unknown_literals
from router.planner.place import Place
from router.planner.price import Cost
from router.planner.walk import Walker
from router.supergraph import Supergraph


def plan(
    supergraph: Supergraph,
    operation: Operation,
    *,
    budget: int = DEFAULT_BUDGET,
    override_labels: frozenset[str] = frozenset(),
) -> QueryPlan:
    """Plan ``operation`` over ``supergraph``; raises ``PlanningBudgetExceeded`` past ``budget`` steps.

    ``override_labels`` are the progressive ``@override`` labels switched on
    for this request (none by default: labelled fields stay where they were).
    """
    steps = Budget(budget)
    capabilities = Capabilities(
        supergraph,
        override_labels,
        {v.name: v.default for v in operation.variables if v.default is not None},
    )
    refuse_unknown_literals(capabilities, operation.selections)
    cost = CostModel(capabilities, steps)
    fetch_graph = FetchGraph()
    root = operation.root_type
    roots: list[FetchGroup] = []

    def root_place(graph: str) -> Place:
        """A root fetch from ``graph`` for a value on the root (``type Query @context``)."""
        group = next((r for r in roots if r.graph == graph), None)
        if group is None:
            group = fetch_graph.new_group(graph, (), is_entity=False, root_type=root)
            group.guard(())  # what it fetches is needed whatever fields join it later
            roots.append(group)
        return Place(group, group.selection, root, (), None, ())

    walker = Walker(
        fetch_graph,
        capabilities,
        cost,
        steps,
        root_place,
        frozenset(v.name for v in operation.variables),
    )
    fields = [
        s
        for s in operation.selections
        if isinstance(s, Field) and s.name != "__typename" and s.name not in ROOT_ONLY_FIELDS
    ]
    prices = [_root_prices(capabilities, cost, root, f) for f in fields]
    for field, options in zip(fields, prices, strict=True):
        if not options:
            raise UnsatisfiableField(f"no subgraph resolves the root field {root}.{field.name}")
    if operation.kind is OperationKind.MUTATION:
        chosen: list[str | None] = _in_order(prices)
    else:
        chosen = cover(prices, lambda _: False, lambda graph: capabilities.graph_order[graph])
    mutation = operation.kind is OperationKind.MUTATION
    once = _ONCE.get(operation.kind)
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
        left = walker.plan(Place(group, group.selection, root, (), None, ()), (field,))
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
    return QueryPlan(Emitter(fetch_graph, operation, supergraph).emit(roots))


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
