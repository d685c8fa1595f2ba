"""Optimisation pass: sibling entity fetches that would send the same request become one.

The same entity type is often reached along several paths (authors of the
top products and of the latest reviews): the walk makes one fetch group per
(subgraph, path), and the groups at different paths may ask the subgraph
for exactly the same selection. When two such groups sit at the same level
of the fetch graph (the same number of fetches before them), neither waits
for the other and neither would start later for sharing: they become one
group that carries every path, so the plan shows, and the executor sends,
one ``_entities`` request for the objects of all those paths (representations
deduplicated across them). A group that nothing waits for also joins an
identical group at a later level: it answers later, but the plan ends no
later (the group it joins runs anyway) and sends one request fewer (the
benchmark query's inventory fetch for ``topProducts``, 8 → 7 requests).
Groups are only merged within one scope: the
primary plan or one deferred part (they run at different times), and under a
mutation only below the same root field (each runs with its own dependents
before the next). Run once, level by level, after the walk and before
emission: a merge keeps the levels of every group, so children of merged
groups merge in their turn. Linear in the groups, plus sorting the buckets.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from router.planner.fetch_graph import FetchGraph, FetchGroup
from router.planner.selection_builder import SelectionBuilder, as_required


def merge_sibling_fetches(
    fetch_graph: FetchGraph, scopes: Iterable[set[int]], *, by_root: bool = False
) -> None:
    """Merge the groups of each scope that send the same request at the same level.

    ``by_root``: only groups below the same root groups merge (mutations).
    """
    for scope in scopes:
        live = [g for g in fetch_graph.groups if g.id in scope and not g.selection.is_empty()]
        levels = _levels(fetch_graph, live)
        roots = {g.id for g in live if not g.is_entity}
        buckets: dict[tuple[Hashable, ...], list[FetchGroup]] = {}
        for group in sorted(live, key=lambda g: (levels[g.id], g.id)):
            if not group.is_entity:
                continue
            above = frozenset(fetch_graph.ancestors({group.id}) & roots) if by_root else frozenset()
            buckets.setdefault((levels[group.id], above, *_request(group)), []).append(group)
        for same in buckets.values():
            if len(same) > 1:
                _merge(fetch_graph, same[0], same[1:])
        _join_later(fetch_graph, [g for g in live if not g.selection.is_empty()], levels, by_root)


def _join_later(
    fetch_graph: FetchGraph, live: list[FetchGroup], levels: dict[int, int], by_root: bool
) -> None:
    """Merge each group nothing waits for into the identical group at the latest level.

    No cycle can arise: the joined group's dependencies all sit at lower levels
    than the group it joins, so none of them depends on that group.
    """
    waited_on = {dep for group in live for dep in group.deps}
    roots = {g.id for g in live if not g.is_entity}
    buckets: dict[tuple[Hashable, ...], list[FetchGroup]] = {}
    for group in sorted(live, key=lambda g: (levels[g.id], g.id)):
        if group.is_entity:
            above = frozenset(fetch_graph.ancestors({group.id}) & roots) if by_root else frozenset()
            buckets.setdefault((above, *_request(group)), []).append(group)
    for same in buckets.values():
        last = same[-1]
        early = [g for g in same[:-1] if g.id not in waited_on and levels[g.id] < levels[last.id]]
        if early:
            _merge(fetch_graph, last, early)


def _levels(fetch_graph: FetchGraph, groups: list[FetchGroup]) -> dict[int, int]:
    """Each group's longest chain of fetches before it, counting only ``groups`` (one scope)."""
    live = {g.id for g in groups}
    level: dict[int, int] = {}

    def level_of(group_id: int) -> int:
        if group_id not in level:
            deps = [d for d in fetch_graph.group(group_id).deps if d in live]
            level[group_id] = 1 + max((level_of(d) for d in deps), default=-1)
        return level[group_id]

    for group in groups:
        level_of(group.id)
    return level


def _request(group: FetchGroup) -> tuple[Hashable, ...]:
    """Everything that decides the request a group sends, its path aside."""
    conditions = group.conditions or frozenset()
    return (
        group.graph,
        group.root_type,
        conditions,
        group.selection.print(drop=conditions),
        as_required(group.representation),
        tuple(group.rewrites),
        frozenset(group.renamed_types),
        tuple(group.context_rewrites),
        tuple(group.context_variables.items()),
    )


def _merge(fetch_graph: FetchGraph, kept: FetchGroup, others: list[FetchGroup]) -> None:
    gone = {other.id for other in others}
    for other in others:
        kept.other_paths.extend((other.path, *other.other_paths))
        kept.deps |= other.deps
        other.selection = SelectionBuilder()
        other.deps = set()
    for group in fetch_graph.groups:
        if group.deps & gone:
            group.deps = (group.deps - gone) | {kept.id}
