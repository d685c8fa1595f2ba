"""Turn the chosen operation's AST into the normal form (see :mod:`router.operation.model`).

One recursive walk applies the passes in order at every selection set:
conditions (:mod:`.conditions`), fragment placement (:mod:`.fragments`),
then merging (:mod:`.merge`); a fragment under ``@defer`` is collected the
same way into its own :class:`~router.operation.model.Deferred` record. Cost: linear in the size of the operation after
fragment expansion (each fragment is expanded once per place it is used).

``refused`` names type conditions authorization refuses: a fragment written
on one is not expanded but left as a ``Fragment`` record with ``refused_at``
(see :mod:`router.operation.model`), its selections and the fragments
deferred in it left out.

Forwarded directives on a fragment (any but ``@skip``/``@include``/``@defer``)
travel down to the fields it holds directly as ``fragment_directives`` (see
:mod:`router.operation.model`), and no further: a field's own selection set
starts afresh, as its conditions do. Apollo's planner keeps them on the
fragment in the fetch that the fragment's parent field is in, but drops them
from ``_entities`` fetches for the fragment's other fields; the router sends
them with every field the fragment holds, wherever it is resolved, as it does
with a field's own directives. Directives on a fragment definition are not
forwarded (a subgraph would see them on an inline fragment, a location they
were not declared for).
"""

from __future__ import annotations

from graphql import (
    DirectiveLocation,
    DirectiveNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    print_ast,
)
from graphql.language import ListValueNode, ObjectValueNode

from router.operation.conditions import read_conditions, read_defer
from router.operation.fragments import place_fragment
from router.operation.merge import merge_selections
from router.operation.model import Condition, Deferred, Field, Fragment, Selection
from router.supergraph import Supergraph

_INTROSPECTION = {"__schema": "__Schema", "__type": "__Type"}
# Directives the router itself acts on; every other one on a field or fragment goes to subgraphs.
_NOT_FORWARDED = frozenset({"skip", "include", "defer", "stream"})


MAX_EXPANDED_SELECTIONS = 100_000


class OperationTooLarge(Exception):
    """Fragment expansion passed :data:`MAX_EXPANDED_SELECTIONS` (a "fragment bomb")."""


class Normalizer:
    def __init__(
        self,
        supergraph: Supergraph,
        fragments: dict[str, FragmentDefinitionNode],
        refused: frozenset[str] = frozenset(),
    ) -> None:
        self.supergraph = supergraph
        self.fragments = fragments
        self.refused = refused
        self.expanded = 0

    def selection_set(
        self, node: SelectionSetNode, parent: str
    ) -> tuple[tuple[Selection, ...], tuple[Deferred, ...]]:
        """The normal form of a root selection set, and the fragments deferred directly in it."""
        deferred: list[Deferred] = []
        return merge_selections(self.collect(node, parent, (), deferred, ())), tuple(deferred)

    def collect(
        self,
        node: SelectionSetNode,
        parent: str,
        inherited: tuple[Condition, ...],
        deferred: list[Deferred],
        wrappers: tuple[tuple[DirectiveNode, ...], ...],
    ) -> list[Selection]:
        """The selections of ``node`` on ``parent``; deferred fragments go to ``deferred``.

        ``wrappers`` holds the forwarded directives of each enclosing fragment.
        """
        found: list[Selection] = []
        self.expanded += len(node.selections)
        if self.expanded > MAX_EXPANDED_SELECTIONS:
            raise OperationTooLarge(MAX_EXPANDED_SELECTIONS)
        for selection in node.selections:
            conditions = read_conditions(selection.directives)
            if conditions is None:
                continue
            conditions = _combine(inherited, conditions)
            if isinstance(selection, FieldNode):
                found.append(self.field(selection, parent, conditions, wrappers))
                continue
            assert isinstance(selection, FragmentSpreadNode | InlineFragmentNode)
            offset = selection.loc.start if selection.loc else 0
            if self.refused:
                written = self.type_condition(selection)
                if written in self.refused:
                    found.append(Fragment(written, (), refused_at=offset))
                    continue
            own = self.forwarded_on(selection)
            inner_wrappers = (*wrappers, own) if own else wrappers
            defer = read_defer(selection.directives)
            if defer is not None:
                inner_deferred: list[Deferred] = []
                inner = self.fragment(selection, parent, conditions, inner_deferred, inner_wrappers)
                label, condition = defer
                deferred.append(
                    Deferred(
                        offset,
                        label,
                        parent,
                        merge_selections(inner),
                        condition,
                        tuple(inner_deferred),
                    )
                )
            else:
                found.extend(self.fragment(selection, parent, conditions, deferred, inner_wrappers))
        return found

    def fragment(
        self,
        selection: FragmentSpreadNode | InlineFragmentNode,
        parent: str,
        conditions: tuple[Condition, ...],
        deferred: list[Deferred],
        wrappers: tuple[tuple[DirectiveNode, ...], ...],
    ) -> list[Selection]:
        """A fragment's selections placed on ``parent`` (inline, or per concrete type)."""
        found: list[Selection] = []
        type_condition = self.type_condition(selection)
        if isinstance(selection, FragmentSpreadNode):
            selection_set = self.fragments[selection.name.value].selection_set
        else:
            selection_set = selection.selection_set
        placement = place_fragment(self.supergraph, parent, type_condition)
        if placement.inline:
            found.extend(self.collect(selection_set, parent, conditions, deferred, wrappers))
        for concrete in placement.types:
            inner = self.collect(selection_set, concrete, conditions, deferred, wrappers)
            found.append(Fragment(concrete, tuple(inner)))
        return found

    def forwarded_on(
        self, selection: FragmentSpreadNode | InlineFragmentNode
    ) -> tuple[DirectiveNode, ...]:
        """The fragment's directives its fields take to their subgraphs.

        A spread reaches a subgraph as an inline fragment, so a directive on
        it goes only if it may stand there too; Apollo's planner sends it
        either way, and the subgraph then refuses the whole operation.
        """
        found = tuple(d for d in selection.directives or () if d.name.value not in _NOT_FORWARDED)
        if isinstance(selection, InlineFragmentNode):
            return found
        return allowed_at(self.supergraph, found, DirectiveLocation.INLINE_FRAGMENT)

    def type_condition(self, selection: FragmentSpreadNode | InlineFragmentNode) -> str | None:
        """The fragment's type condition as written (``None`` for an inline fragment without one)."""
        if isinstance(selection, FragmentSpreadNode):
            return self.fragments[selection.name.value].type_condition.name.value
        return selection.type_condition.name.value if selection.type_condition else None

    def field(
        self,
        node: FieldNode,
        parent: str,
        conditions: tuple[Condition, ...],
        wrappers: tuple[tuple[DirectiveNode, ...], ...],
    ) -> Field:
        name = node.name.value
        if name in _INTROSPECTION:
            # Answered by the executor from the API schema; nothing to plan below.
            return Field(
                name,
                parent,
                _INTROSPECTION[name],
                alias=node.alias.value if node.alias else None,
                conditions=conditions,
            )
        if name == "__typename":
            type_name = "String"
        else:
            type_name = self.supergraph.types[parent].fields[name].named_type
        variables: set[str] = set()
        arguments = []
        for argument in node.arguments or ():
            _collect_variables(argument.value, variables)
            arguments.append((argument.name.value, print_ast(argument.value)))
        for condition in conditions:
            variables.add(condition.variable)
        directives = forwarded_directives(node.directives or (), variables)
        fragment_directives = tuple(forwarded_directives(own, variables) for own in wrappers)
        selections: tuple[Selection, ...] = ()
        deferred: list[Deferred] = []
        if node.selection_set is not None:
            selections = tuple(self.collect(node.selection_set, type_name, (), deferred, ()))
        return Field(
            name=name,
            parent_type=parent,
            type=type_name,
            alias=node.alias.value if node.alias else None,
            arguments=tuple(arguments),
            selections=selections,
            conditions=conditions,
            variables=frozenset(variables),
            deferred=tuple(deferred),
            directives=directives,
            fragment_directives=fragment_directives,
        )


def forwarded_directives(directives: tuple[DirectiveNode, ...], variables: set[str]) -> str:
    """The directives the router passes on, printed; their variables go to ``variables``.

    On the operation itself that is every directive (none the router acts on
    may stand there).
    """
    printed = ""
    for directive in directives:
        if directive.name.value not in _NOT_FORWARDED:
            for argument in directive.arguments or ():
                _collect_variables(argument.value, variables)
            printed += print_ast(directive)
    return printed


def allowed_at(
    supergraph: Supergraph, directives: tuple[DirectiveNode, ...], location: DirectiveLocation
) -> tuple[DirectiveNode, ...]:
    """Those of ``directives`` the API schema allows at ``location``."""
    found: list[DirectiveNode] = []
    for directive in directives:
        known = supergraph.api_schema.get_directive(directive.name.value)
        if known is not None and location in known.locations:
            found.append(directive)
    return tuple(found)


def _combine(inherited: tuple[Condition, ...], own: tuple[Condition, ...]) -> tuple[Condition, ...]:
    return inherited + tuple(c for c in own if c not in inherited)


def _collect_variables(value: ValueNode, into: set[str]) -> None:
    if isinstance(value, VariableNode):
        into.add(value.name.value)
    elif isinstance(value, ListValueNode):
        for item in value.values:
            _collect_variables(item, into)
    elif isinstance(value, ObjectValueNode):
        for field in value.fields:
            _collect_variables(field.value, into)
