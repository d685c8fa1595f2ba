"""Turn a finished fetch graph into plan nodes.

Each group becomes a ``FetchNode`` (inside a ``FlattenNode`` at its paths for
an ``_entities`` fetch, several when :mod:`.siblings` merged groups, inside ``ConditionNode``s for the conditions guarding
the whole group and not already enforced around it). When every group waits
for at most one other, the plan is a tree: a group's fetch, then its
dependents in parallel. When a group waits for several (``@requires`` fed by
more than one subgraph), the groups of that independent part of the plan are
laid out in stages by longest dependency chain: each stage in parallel,
stages in sequence; independent parts still run side by side. Mutation root
groups run in sequence, each followed by its own dependents. A subscription's
plan is split as Apollo splits it: the root fetch is the ``Primary`` (sent to
the subgraph once, to subscribe) and everything after it the ``Rest`` (run for
every event). A deferred plan is emitted part by part: ``members`` limits a
call to one part's groups, so the primary plan stops where a deferred
fragment's fetches start. Linear in the number of groups, quadratic for grouping roots
into independent parts.
"""

from __future__ import annotations

from router.operation import Condition, Operation
from router.plan.nodes import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    KeyRenamer,
    OperationKind,
    ParallelNode,
    PlanNode,
    SequenceNode,
    SubscriptionNode,
)
from router.planner.errors import PlanningError
from router.planner.fetch_graph import FetchGraph, FetchGroup
from router.planner.input_values import unknown_inputs
from router.planner.local_types import alias_local_conflicts
from router.planner.selection_builder import as_required, variables_in
from router.supergraph import Supergraph


class Emitter:
    def __init__(
        self, fetch_graph: FetchGraph, operation: Operation, supergraph: Supergraph
    ) -> None:
        self.fetch_graph = fetch_graph
        self.operation = operation
        self.supergraph = supergraph
        self.groups = [g for g in fetch_graph.groups if not g.selection.is_empty()]
        self.children: dict[int, list[FetchGroup]] = {g.id: [] for g in self.groups}
        for group in self.groups:
            for dep in group.deps:
                if dep in self.children:
                    self.children[dep].append(group)
        self.counter = 0
        self.members: set[int] | None = None
        # Fetches a deferred part depends on, by group: printed with their id.
        self.fetch_ids: dict[int, int] = {}

    def emit(
        self, roots: list[FetchGroup], members: set[int] | None = None, *, ordered: bool = True
    ) -> PlanNode | None:
        """The plan below ``roots``, within ``members`` when given.

        ``ordered``: mutation root groups run one after the other (a deferred
        part's groups are entity fetches, never mutation fields).
        """
        self.members = members
        roots = [r for r in roots if r.id in self.children and (members is None or r.id in members)]
        if not roots:
            return None
        if ordered and self.operation.kind is OperationKind.MUTATION:
            return _sequence([self.chunk([root]) for root in roots])
        if self.operation.kind is OperationKind.SUBSCRIPTION:
            return _subscription(self.chunk(roots))
        return self.chunk(roots)

    def kids(self, group_id: int) -> list[FetchGroup]:
        return [c for c in self.children[group_id] if self.members is None or c.id in self.members]

    def deps(self, group: FetchGroup) -> set[int]:
        return {
            d
            for d in group.deps
            if d in self.children and (self.members is None or d in self.members)
        }

    def chunk(self, roots: list[FetchGroup]) -> PlanNode:
        """Independent parts run in parallel; each part is a tree or, failing that, stages."""
        nodes: list[PlanNode] = []
        for part in self.components(roots):
            members = self.reachable(part)
            if all(len(self.deps(g)) <= 1 for g in members):
                nodes.extend(self.tree(root, frozenset()) for root in part)
            else:
                nodes.append(self.staged(members))
        return _parallel(nodes)

    def components(self, roots: list[FetchGroup]) -> list[list[FetchGroup]]:
        """Roots grouped so that roots whose dependents meet end up together."""
        parts: list[tuple[set[int], list[FetchGroup]]] = []
        for root in roots:
            reach = {g.id for g in self.reachable([root])}
            joined = [p for p in parts if p[0] & reach]
            for part in joined:
                parts.remove(part)
                reach |= part[0]
            members = sorted([root, *(r for p in joined for r in p[1])], key=lambda g: g.id)
            parts.append((reach, members))
        return sorted((p[1] for p in parts), key=lambda m: m[0].id)

    def reachable(self, roots: list[FetchGroup]) -> list[FetchGroup]:
        seen: dict[int, FetchGroup] = {}
        stack = list(roots)
        while stack:
            group = stack.pop()
            if group.id not in seen:
                seen[group.id] = group
                stack.extend(self.kids(group.id))
        return sorted(seen.values(), key=lambda g: g.id)

    def tree(self, group: FetchGroup, enforced: frozenset[Condition]) -> PlanNode:
        conditions = (group.conditions or frozenset()) - enforced
        inside = enforced | conditions
        node = self.fetch(group, inside)
        children = [self.tree(child, inside) for child in self.kids(group.id)]
        if children:
            node = _sequence([node, _parallel(children)])
        return _guard(node, conditions)

    def staged(self, members: list[FetchGroup]) -> PlanNode:
        # A merged group can gain a dependency created after it: levels come
        # from the dependencies themselves, not from creation order.
        level: dict[int, int] = {}
        by_id = {group.id: group for group in members}

        def level_of(group_id: int) -> int:
            if group_id not in level:
                deps = self.deps(self.fetch_graph.group(group_id))
                level[group_id] = 1 + max((level_of(d) for d in deps), default=-1)
            return level[group_id]

        for group in members:
            level_of(group.id)
        stages: dict[int, list[PlanNode]] = {}
        for group in by_id.values():
            conditions = group.conditions or frozenset()
            stages.setdefault(level[group.id], []).append(
                _guard(self.fetch(group, conditions), conditions)
            )
        return _sequence([_parallel(stages[i]) for i in sorted(stages)])

    def fetch(self, group: FetchGroup, enforced: frozenset[Condition]) -> PlanNode:
        self.counter += 1
        renames = alias_local_conflicts(
            self.supergraph, group.graph, group.selection, group.root_type
        )
        body = group.selection.print(drop=enforced)
        directives = (
            self.operation.query_directives if group.is_entity else self.operation.directives
        )
        used: set[str] = set()
        group.selection.variables(used, enforced)
        variables_in(directives, used)
        definitions = [v for v in self.operation.variables if v.name in used]
        declared = [
            f"${v.name}:{v.type}" + (f"={v.default}" if v.default is not None else "")
            for v in definitions
        ]
        if group.context_variables:
            declared += [f"${name}:{type_}" for name, type_ in group.context_variables.items()]
        kind = self.operation.kind
        if group.is_entity:
            declared.insert(0, "$representations:[_Any!]!")
            body = "{_entities(representations:$representations)" + body + "}"
            kind = OperationKind.QUERY
        name = (
            f"{self.operation.name}__{group.graph}__{self.counter - 1}"
            if self.operation.name
            else None
        )
        header = kind.value
        if name:
            header += f" {name}"
        if declared:
            header += "(" + ",".join(declared) + ")"
        header += directives
        node: PlanNode = FetchNode(
            service_name=group.graph,
            operation=f"{header}{body}",
            operation_kind=kind,
            variable_usages=tuple(v.name for v in definitions),
            requires=as_required(group.representation) if group.is_entity else (),
            input_rewrites=tuple(group.rewrites),
            output_rewrites=renames,
            operation_name=name,
            unknown_inputs=unknown_inputs(
                self.supergraph, group.graph, frozenset(v.type.strip("[]!") for v in definitions)
            ),
            context_rewrites=(
                tuple(sorted(group.context_rewrites, key=_levels_up))
                if group.context_rewrites
                else ()
            ),
            id=self.fetch_ids.get(group.id),
        )
        if group.is_entity:
            node = FlattenNode(group.path, node, tuple(group.other_paths))
        return node


def _subscription(node: PlanNode) -> SubscriptionNode:
    """The root fetch subscribes; what follows it in the plan completes each event."""
    if isinstance(node, FetchNode):
        return SubscriptionNode(node)
    if isinstance(node, SequenceNode) and isinstance(node.nodes[0], FetchNode):
        # Kept as a Sequence even with one step, as Apollo prints it.
        return SubscriptionNode(node.nodes[0], SequenceNode(node.nodes[1:]))
    raise PlanningError(
        "a subscription must be answered by one subscription fetch to the subgraph owning its "
        f"root field, but its plan starts with {type(node).__name__}"
    )


def _levels_up(rewrite: KeyRenamer) -> int:
    """Nearest ancestor first: the executor takes the first rewrite that finds a value."""
    return rewrite.path.count("..")


def _guard(node: PlanNode, conditions: frozenset[Condition]) -> PlanNode:
    for condition in sorted(conditions, key=lambda c: (c.variable, c.passes_when), reverse=True):
        if condition.passes_when:
            node = ConditionNode(condition.variable, node, None)
        else:
            node = ConditionNode(condition.variable, None, node)
    return node


def _parallel(nodes: list[PlanNode]) -> PlanNode:
    return nodes[0] if len(nodes) == 1 else ParallelNode(tuple(nodes))


def _sequence(nodes: list[PlanNode]) -> PlanNode:
    flat: list[PlanNode] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, SequenceNode) else (node,))
    return flat[0] if len(flat) == 1 else SequenceNode(tuple(flat))
