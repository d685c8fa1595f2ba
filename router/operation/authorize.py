"""``authorize()``: remove from a normalised operation what the request may not see.

Apollo Router's rules for ``@authenticated``, ``@requiresScopes`` and
``@policy``, applied to the normal form before planning, so nothing
unauthorised is ever asked of a subgraph:

- a field is removed when its own requirement or that of the type it returns
  is not met; a fragment is removed when its type condition's, as the client
  wrote it, is not met: whole, even when it is on an interface some of whose
  implementations the request may see (composition gives an interface its
  implementations' requirements). The operation is normalised again for
  that, with those fragments left as records to remove
  (:class:`~router.operation.normalize.Normalizer`'s ``refused``); a fragment
  of the normal form on a concrete type whose requirement is not met is
  removed too;
- a field selected on an interface (or union) must meet the requirement of
  that field on every implementation, and a field returning an abstract type
  that selects fields outside fragments must meet every possible type's
  requirement (Apollo removes such a field when implementations differ; this
  is the same or stricter);
- a root type with an unmet requirement removes every root field;
- a field whose sub-selections are all removed is removed too, deferred ones
  included; a deferred fragment left with nothing, or under a removed
  fragment, is dropped.

Each removal is reported by its response path, with ``"@"`` standing for any
list position (Apollo's notation), once a path however many selections (in
fragments, in branches) answer it; a removed fragment's is its parent's path,
once per type condition there,
and ``fragments`` records its type condition too, since only the objects it
applies to there lose fields, ``refused`` the
offsets in the client's document of the fragments removed as written, and
``expanded`` the removals of fragments the client did not write as such (a
fragment of the normal form on a concrete type, from one on an abstract
type whose own requirement is met). The
executor shapes the client's own document: a removed field answers ``null``
(bubbling through non-null positions) next to its ``UNAUTHORIZED_FIELD_OR_TYPE``
error, and it leaves the fragments in ``refused`` out, a field selected only
under them answering ``null`` too (whatever the plan fetched, a key for
instance). Cost: one walk over the normal form, only when the supergraph has
requirements at all, and a second normalisation when a written fragment is
refused.

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

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from router.operation.model import Deferred, Field, Fragment, Operation, Selection
from router.operation.normalize import Normalizer
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
    refused: frozenset[int] = frozenset()
    expanded: tuple[tuple[UnauthorizedPath, str], ...] = ()


def authorize(operation: Operation, supergraph: Supergraph, access: Access) -> Authorized:
    if not supergraph.authorization.enforced:
        return Authorized(operation)
    rules = supergraph.authorization
    written = _written_conditions(operation)
    policies = (
        _required_policies(operation, supergraph).union(
            *(rules.type(condition).policy_names for condition in written)
        )
        if rules.policies
        else frozenset()
    )
    walk = _Walk(supergraph, access)
    if not rules.type(operation.root_type).allows(access):
        walk.removed.extend(
            (s.response_name,) for s in operation.selections if isinstance(s, Field)
        )
        filtered = dataclasses.replace(operation, selections=(), deferred=())
        return Authorized(filtered, tuple(walk.removed), policies)
    refused = frozenset(c for c in written if not rules.type(c).allows(access))
    normal = _renormalised(operation, supergraph, refused) if refused else operation
    selections = walk.selections(normal.root_type, normal.selections, ())
    deferred = walk.deferred(normal.deferred, ())
    if not walk.removed and deferred == normal.deferred:
        return Authorized(operation, policies=policies)
    filtered = dataclasses.replace(normal, selections=selections, deferred=deferred)
    return Authorized(
        filtered,
        tuple(walk.removed),
        policies,
        tuple(walk.fragments),
        frozenset(walk.refused),
        tuple(walk.expanded),
    )


def _renormalised(
    operation: Operation, supergraph: Supergraph, refused: frozenset[str]
) -> Operation:
    """``operation`` normalised again, fragments written on a ``refused`` type left as records."""
    selections, deferred = Normalizer(supergraph, _fragments(operation), refused).selection_set(
        operation.definition.selection_set, operation.root_type
    )
    return dataclasses.replace(operation, selections=selections, deferred=deferred)


def _fragments(operation: Operation) -> dict[str, FragmentDefinitionNode]:
    return {
        d.name.value: d
        for d in operation.document.definitions
        if isinstance(d, FragmentDefinitionNode)
    }


def _written_conditions(operation: Operation) -> set[str]:
    """The type conditions of the fragments the operation reaches, as the client wrote them."""
    fragments = _fragments(operation)
    conditions: set[str] = set()
    spread: set[str] = set()
    pending: list[SelectionSetNode] = [operation.definition.selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in spread:
                    spread.add(name)
                    conditions.add(fragments[name].type_condition.name.value)
                    pending.append(fragments[name].selection_set)
                continue
            assert isinstance(selection, FieldNode | InlineFragmentNode)
            if isinstance(selection, InlineFragmentNode) and selection.type_condition:
                conditions.add(selection.type_condition.name.value)
            if selection.selection_set is not None:
                pending.append(selection.selection_set)
    return conditions


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
        self.removed_fields: set[UnauthorizedPath] = set()
        self.fragments: list[tuple[UnauthorizedPath, str]] = []
        self.refused: set[int] = set()
        self.expanded: list[tuple[UnauthorizedPath, str]] = []

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
        condition = fragment.type_condition
        if fragment.refused_at is not None or not self.rules.type(condition).allows(self.access):
            if (path, condition) not in self.fragments:  # once, however many types carried it
                self.removed.append(path)
                self.fragments.append((path, condition))
            if fragment.refused_at is not None:
                self.refused.add(fragment.refused_at)
            elif (path, condition) not in self.expanded:
                self.expanded.append((path, condition))
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
            if here not in self.removed_fields:  # once a path, however many selections ask it
                self.removed_fields.add(here)
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
            if not self.rules.type(record.parent_type).allows(self.access):
                continue  # deferred in a fragment on a type removed (and reported) as a whole
            selections = self.selections(record.parent_type, record.selections, path)
            nested = self.deferred(record.deferred, path)
            if not selections and not nested:
                continue
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
