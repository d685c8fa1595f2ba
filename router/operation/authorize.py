"""``authorize()``: remove from a normalised operation what the request may not see.

Apollo Router's rules for ``@authenticated``, ``@requiresScopes`` and
``@policy``, applied to the normal form before planning, so nothing
unauthorised is ever asked of a subgraph:

- a field is removed when its own requirement or that of the type it returns
  is not met; a fragment is removed when its type condition's is not met;
- a field selected on an interface (or union) must meet the requirement of
  that field on every implementation, and a field returning an abstract type
  that selects fields outside fragments must meet every possible type's
  requirement (Apollo removes such a field when implementations differ; this
  is the same or stricter);
- a root type with an unmet requirement removes every root field;
- a field whose sub-selections are all removed is removed too.

Each removal is reported by its response path, with ``"@"`` standing for any
list position (Apollo's notation); a removed fragment's is its parent's path,
and ``fragments`` records its type condition too, since only the objects of
that type there lose fields. The executor shapes the client's own
document, so a removed field answers ``null`` (bubbling through non-null
positions) next to its ``UNAUTHORIZED_FIELD_OR_TYPE`` error. Cost: one walk
over the normal form, only when the supergraph has requirements at all.

``policies`` in the result are every ``@policy`` policy the operation's
requirements name, whether or not the walk got that far (a policy under a
field removed for another reason is still named): what the request's policy
evaluator is asked about, with the same rules (abstract types, fragments,
the root type) as the removals.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from router.operation.model import Deferred, Field, Fragment, Operation, Selection
from router.supergraph import Supergraph
from router.supergraph.authorization import Access, Requirement

UnauthorizedPath = tuple[str, ...]
ANY_INDEX = "@"


@dataclass(frozen=True, slots=True)
class Authorized:
    operation: Operation
    unauthorized: tuple[UnauthorizedPath, ...] = ()
    policies: frozenset[str] = frozenset()
    fragments: tuple[tuple[UnauthorizedPath, str], ...] = ()


def authorize(operation: Operation, supergraph: Supergraph, access: Access) -> Authorized:
    if not supergraph.authorization.enforced:
        return Authorized(operation)
    policies = (
        _required_policies(operation, supergraph)
        if supergraph.authorization.policies
        else frozenset()
    )
    walk = _Walk(supergraph, access)
    if not supergraph.authorization.type(operation.root_type).allows(access):
        walk.removed.extend(
            (s.response_name,) for s in operation.selections if isinstance(s, Field)
        )
        filtered = dataclasses.replace(operation, selections=(), deferred=())
        return Authorized(filtered, tuple(walk.removed), policies)
    selections = walk.selections(operation.root_type, operation.selections, ())
    deferred = walk.deferred(operation.deferred, ())
    if not walk.removed:
        return Authorized(operation, policies=policies)
    filtered = dataclasses.replace(operation, selections=selections, deferred=deferred)
    return Authorized(filtered, tuple(walk.removed), policies, tuple(walk.fragments))


def _required_policies(operation: Operation, supergraph: Supergraph) -> frozenset[str]:
    """The policies named by the requirements of everything ``operation`` selects."""
    rules = supergraph.authorization
    names = set(rules.type(operation.root_type).policy_names)
    pending = [(operation.root_type, operation.selections), *_deferred(operation.deferred)]
    while pending:
        parent_type, selections = pending.pop()
        for selection in selections:
            if isinstance(selection, Fragment):
                names |= rules.type(selection.type_condition).policy_names
                pending.append((selection.type_condition, selection.selections))
            elif selection.name != "__typename":
                names |= _requirement(supergraph, parent_type, selection).policy_names
                pending.append((selection.type, selection.selections))
                pending.extend(_deferred(selection.deferred))
    return frozenset(names)


def _deferred(deferred: tuple[Deferred, ...]) -> Iterator[tuple[str, tuple[Selection, ...]]]:
    for record in deferred:
        yield record.parent_type, record.selections
        yield from _deferred(record.deferred)


class _Walk:
    def __init__(self, supergraph: Supergraph, access: Access) -> None:
        self.supergraph = supergraph
        self.rules = supergraph.authorization
        self.access = access
        self.removed: list[UnauthorizedPath] = []
        self.fragments: list[tuple[UnauthorizedPath, str]] = []

    def selections(
        self, parent_type: str, selections: tuple[Selection, ...], path: UnauthorizedPath
    ) -> tuple[Selection, ...]:
        kept: list[Selection] = []
        for selection in selections:
            if isinstance(selection, Fragment):
                fragment = self.fragment(selection, path)
                if fragment is not None:
                    kept.append(fragment)
            else:
                field = self.field(parent_type, selection, path)
                if field is not None:
                    kept.append(field)
        return tuple(kept)

    def fragment(self, fragment: Fragment, path: UnauthorizedPath) -> Fragment | None:
        if not self.rules.type(fragment.type_condition).allows(self.access):
            self.removed.append(path)
            self.fragments.append((path, fragment.type_condition))
            return None
        selections = self.selections(fragment.type_condition, fragment.selections, path)
        if not selections:
            return None
        if selections == fragment.selections:
            return fragment
        return Fragment(fragment.type_condition, selections)

    def field(self, parent_type: str, field: Field, path: UnauthorizedPath) -> Field | None:
        if field.name == "__typename":
            return field
        here = (*path, field.response_name)
        if not _requirement(self.supergraph, parent_type, field).allows(self.access):
            self.removed.append(here)
            return None
        if not field.selections and not field.deferred:
            return field
        inner = (*here, *(ANY_INDEX,) * self.list_depth(parent_type, field.name))
        selections = self.selections(field.type, field.selections, inner)
        deferred = self.deferred(field.deferred, inner)
        if not selections and not deferred:
            return None
        if selections == field.selections and deferred == field.deferred:
            return field
        return dataclasses.replace(field, selections=selections, deferred=deferred)

    def deferred(
        self, deferred: tuple[Deferred, ...], path: UnauthorizedPath
    ) -> tuple[Deferred, ...]:
        kept: list[Deferred] = []
        for record in deferred:
            selections = self.selections(record.parent_type, record.selections, path)
            nested = self.deferred(record.deferred, path)
            if selections == record.selections and nested == record.deferred:
                kept.append(record)
            else:
                kept.append(dataclasses.replace(record, selections=selections, deferred=nested))
        return tuple(kept)

    def list_depth(self, parent_type: str, name: str) -> int:
        parent = self.supergraph.types.get(parent_type)
        info = parent.fields.get(name) if parent is not None else None
        return info.type.count("[") if info is not None else 0


def _requirement(supergraph: Supergraph, parent_type: str, field: Field) -> Requirement:
    """What selecting ``field`` on ``parent_type`` needs (see the rules above)."""
    rules = supergraph.authorization
    named = field.type
    needed = rules.field(parent_type, field.name) & rules.type(named)
    parent = supergraph.types.get(parent_type)
    if parent is not None and parent.is_abstract:
        for implementation in supergraph.possible_types_of(parent_type):
            needed = needed & rules.field(implementation, field.name)
    returned = supergraph.types.get(named)
    if (
        returned is not None
        and returned.is_abstract
        and any(isinstance(s, Field) and s.name != "__typename" for s in field.selections)
    ):
        for possible in supergraph.possible_types_of(named):
            needed = needed & rules.type(possible)
    return needed
