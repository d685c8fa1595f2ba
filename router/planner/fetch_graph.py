"""The fetch graph: fetch groups (one future subgraph request each) and their dependencies.

The walk adds selections to groups; a group for an entity hop is keyed by
subgraph and response path, so sibling hops to the same subgraph at the same
place share one request. Merging into an existing group is refused when it
would make the group depend on itself, or when its representations cannot
carry what the new hop needs. Cost: finding a group is a dictionary lookup
plus a walk over the ancestors of the hop's sources (linear in groups).
Groups below ``floor`` belong to an earlier part of a deferred plan and take
no new selections from hops (a deferred fragment gets fetches of its own).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from router.operation import Condition
from router.plan.nodes import KeyRenamer, ValueSetter
from router.planner.selection_builder import SelectionBuilder


@dataclass(eq=False, slots=True)
class FetchGroup:
    """One subgraph request: a root fetch (``path`` empty) or an ``_entities`` fetch.

    For an entity fetch, ``selection`` holds one fragment per entity type and
    ``representation`` the fields copied from the tree into representations;
    ``renamed_types`` are the tree types sent under an ``@interfaceObject``
    interface's name (by ``rewrites``). ``context_rewrites`` and
    ``context_variables`` (name → type) carry contextual argument values.
    ``conditions`` is what every selection in the group is guarded by (so the
    whole fetch can sit in a Condition node); ``None`` until the first one.
    ``other_paths`` are further paths the same request serves, once sibling
    groups are merged (:mod:`router.planner.siblings`); ``routes``, the types
    above the hops that joined it (the branches of the operation it serves).
    """

    id: int
    graph: str
    path: tuple[str, ...]
    is_entity: bool
    root_type: str
    selection: SelectionBuilder = field(default_factory=SelectionBuilder)
    representation: SelectionBuilder = field(default_factory=SelectionBuilder)
    rewrites: list[ValueSetter] = field(default_factory=list)
    renamed_types: set[str] = field(default_factory=set)
    context_rewrites: list[KeyRenamer] = field(default_factory=list)
    context_variables: dict[str, str] = field(default_factory=dict)
    deps: set[int] = field(default_factory=set)
    conditions: frozenset[Condition] | None = None
    other_paths: list[tuple[str, ...]] = field(default_factory=list)
    routes: set[tuple[str, ...]] = field(default_factory=set)

    def guard(self, conditions: tuple[Condition, ...]) -> None:
        """Record that a selection guarded by ``conditions`` entered this group."""
        incoming = frozenset(conditions)
        self.conditions = incoming if self.conditions is None else self.conditions & incoming


class FetchGraph:
    def __init__(self) -> None:
        self.groups: list[FetchGroup] = []
        self.floor = 0
        self._entity_groups: dict[tuple[str, tuple[str, ...]], list[FetchGroup]] = {}

    def group(self, group_id: int) -> FetchGroup:
        return self.groups[group_id]

    def new_group(
        self, graph: str, path: tuple[str, ...], *, is_entity: bool, root_type: str
    ) -> FetchGroup:
        created = FetchGroup(len(self.groups), graph, path, is_entity, root_type)
        self.groups.append(created)
        if is_entity:
            self._entity_groups.setdefault((graph, path), []).append(created)
        return created

    def ancestors(self, group_ids: set[int]) -> set[int]:
        """The groups in ``group_ids`` and every group they depend on."""
        seen: set[int] = set()
        stack = list(group_ids)
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.groups[current].deps)
        return seen

    def entity_group(
        self,
        graph: str,
        path: tuple[str, ...],
        sources: set[int],
        root_type: str,
        fits: Callable[[FetchGroup], bool],
    ) -> FetchGroup:
        """The group fetching from ``graph`` at ``path`` after ``sources``: shared when possible.

        ``fits`` refuses a group whose representations cannot also carry what
        this hop needs (one field required with two different arguments).
        """
        blocked = self.ancestors(sources)
        for candidate in self._entity_groups.get((graph, path), ()):
            if candidate.id >= self.floor and candidate.id not in blocked and fits(candidate):
                candidate.deps |= sources
                return candidate
        created = self.new_group(graph, path, is_entity=True, root_type=root_type)
        created.deps |= sources
        return created

    def mergeable(self, graph: str, path: tuple[str, ...], sources: set[int]) -> bool:
        candidates = self._entity_groups.get((graph, path), ())
        if not candidates:
            return False
        blocked = self.ancestors(sources)
        return any(g.id >= self.floor and g.id not in blocked for g in candidates)
