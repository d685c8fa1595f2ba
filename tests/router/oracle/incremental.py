"""``@defer`` in the oracle: the router's multipart answer read, rebuilt and checked.

An answer's payloads are read by :func:`tests.router.multipart.payloads`
(a multipart body as a client reads it; an ``application/json`` answer is
one payload). :func:`rebuild` applies each later payload's ``incremental`` items (``data`` merged into the object at
``path``, ``errors`` gathered) to the first one's, giving the final result the
monolith's answer to the operation without ``@defer`` must equal; on the
way it checks the delivery rules: ``hasNext`` true on every payload but
the last, false there, and every item's path leading to an object already
delivered. :func:`primary` is the operation less its active deferred
fragments, the shape of the first payload's data (no deferred-only field
there), and :func:`expected_items` the ``(path, label)`` of each item the
active deferred fragments must give: one per object of the final data each
applies to.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    StringValueNode,
    get_named_type,
    is_abstract_type,
)
from graphql.language import Visitor, visit
from graphql.language.visitor import REMOVE

from tests.router.oracle.shape import directive, skipped, truthy, with_variables

# Each object of the monolith's answer says its type under this alias (see ``typed``).
TYPENAME = "oracleType"
Item = tuple[tuple[str | int, ...], str | None]


def rebuild(parts: list[dict[str, Any]]) -> tuple[dict[str, Any], list[Item], list[str]]:
    """The final result, the items delivered, and the delivery rules broken."""
    first, *later = parts
    result = {k: copy.deepcopy(v) for k, v in first.items() if k != "hasNext"}
    problems: list[str] = []
    if later and first.get("hasNext") is not True:
        problems.append("the first of several payloads without hasNext: true")
    if not later and "hasNext" in first:
        problems.append("a single payload with hasNext")
    errors = list(result.get("errors", ()))
    delivered: list[Item] = []
    for index, part in enumerate(later, 1):
        if part.get("hasNext") is not (index < len(later)):
            problems.append(f"payload {index}: hasNext {part.get('hasNext')!r}")
        for item in part.get("incremental", ()):
            path = tuple(item.get("path", ()))
            delivered.append((path, item.get("label")))
            errors += item.get("errors", ())
            target = _at(result.get("data"), path)
            if not isinstance(target, dict):
                problems.append(f"payload {index}: no object at {list(path)} for its item")
            elif isinstance(item.get("data"), dict):
                _merge(target, item["data"])
    if errors:
        result["errors"] = errors
    return result, delivered, problems


def _at(value: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _merge(target: dict[str, Any], data: dict[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        elif isinstance(value, list) and isinstance(target.get(key), list):
            for mine, theirs in zip(target[key], value, strict=False):
                if isinstance(mine, dict) and isinstance(theirs, dict):
                    _merge(mine, theirs)
        else:
            target[key] = value


def ordered_like(value: Any, reference: Any) -> Any:
    """``value`` with each object's keys in the order of ``reference``'s (where both hold the
    same keys): deferred fields arrive after the others."""
    if isinstance(value, list) and isinstance(reference, list):
        return [ordered_like(v, r) for v, r in zip(value, reference, strict=False)] + value[
            len(reference) :
        ]
    if isinstance(value, dict) and isinstance(reference, dict) and set(value) == set(reference):
        return {k: ordered_like(value[k], reference[k]) for k in reference}
    return value


def deferring(node: SelectionNode, variables: dict[str, Any]) -> bool:
    """Whether ``node`` is a fragment deferred with these variables."""
    found = directive(node, "defer")
    return found is not None and truthy(found, variables, True)


def _label(node: SelectionNode) -> str | None:
    found = directive(node, "defer")
    for argument in (found.arguments or ()) if found else ():
        if argument.name.value == "label" and isinstance(argument.value, StringValueNode):
            return argument.value.value
    return None


class _Without(Visitor):
    """Drops every ``@defer`` (``variables`` given: every fragment deferred with them)."""

    def __init__(self, variables: dict[str, Any] | None) -> None:
        super().__init__()
        self.variables = variables

    def enter_directive(self, node: DirectiveNode, *_: Any) -> Any:
        return REMOVE if self.variables is None and node.name.value == "defer" else None

    def enter_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> Any:
        return self._fragment(node)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> Any:
        return self._fragment(node)

    def _fragment(self, node: SelectionNode) -> Any:
        if self.variables is not None and deferring(node, self.variables):
            return REMOVE
        return None


class _Deferring(Visitor):
    """Collects the offsets of the fragments deferred with ``variables``."""

    def __init__(self, variables: dict[str, Any]) -> None:
        super().__init__()
        self.variables = variables
        self.found: set[int] = set()

    def enter_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> None:
        self._fragment(node)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self._fragment(node)

    def _fragment(self, node: SelectionNode) -> None:
        if node.loc is not None and deferring(node, self.variables):
            self.found.add(node.loc.start)


def deferred_at(document: DocumentNode, variables: dict[str, Any]) -> frozenset[int]:
    """The offsets in ``document`` of its fragments deferred with ``variables``."""
    walk = _Deferring(with_variables(document, variables))
    visit(document, walk)
    return frozenset(walk.found)


class _Dropping(Visitor):
    def __init__(self, offsets: set[int]) -> None:
        super().__init__()
        self.offsets = offsets

    def enter_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> Any:
        return self._fragment(node)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> Any:
        return self._fragment(node)

    def _fragment(self, node: SelectionNode) -> Any:
        return REMOVE if node.loc is not None and node.loc.start in self.offsets else None


def dropping(document: DocumentNode, offsets: set[int]) -> DocumentNode:
    """``document`` without the fragments at ``offsets`` (a selection set may be left
    empty: the operation is only executed)."""
    if not offsets:
        return document
    return visit(document, _Dropping(offsets))  # type: ignore[no-any-return]


def without_defer(document: DocumentNode) -> DocumentNode:
    """``document`` without ``@defer``: the monolith's operation."""
    return visit(document, _Without(None))  # type: ignore[no-any-return]


def primary(document: DocumentNode, variables: dict[str, Any]) -> DocumentNode:
    """``document`` less its fragments deferred with ``variables``: the first payload's shape."""
    return visit(document, _Without(with_variables(document, variables)))  # type: ignore[no-any-return]


class Typed(Visitor):
    """Every selection set also asks ``oracleType: __typename``, so the monolith's answer
    says which type each object is."""

    def leave_selection_set(self, node: SelectionSetNode, *_: Any) -> SelectionSetNode:
        typed = FieldNode(
            alias=_name(TYPENAME), name=_name("__typename"), arguments=(), directives=()
        )
        return SelectionSetNode(selections=(*node.selections, typed))


def _name(value: str) -> NameNode:
    return NameNode(value=value)


def typed(document: DocumentNode) -> DocumentNode:
    return visit(without_defer(document), Typed())  # type: ignore[no-any-return]


def untyped(value: Any) -> Any:
    """``value`` without the ``oracleType`` keys :func:`typed` added."""
    if isinstance(value, list):
        return [untyped(v) for v in value]
    if isinstance(value, dict):
        return {k: untyped(v) for k, v in value.items() if k != TYPENAME}
    return value


def expected_items(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any],
    data: dict[str, Any] | None,
) -> Counter[Item]:
    """Each item the active deferred fragments must deliver, over the monolith's ``data``
    (answered to :func:`typed`)."""
    walk = _Expected(schema, document, with_variables(document, variables))
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    if data is not None:
        walk.selections(operation.selection_set, data, ())
    return walk.found


class _Expected:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.found: Counter[Item] = Counter()

    def selections(
        self, selection_set: SelectionSetNode, value: dict[str, Any], path: tuple[str | int, ...]
    ) -> None:
        for node in selection_set.selections:
            if skipped(node, self.variables):
                continue
            if isinstance(node, FieldNode):
                if node.selection_set is not None:
                    key = (node.alias or node.name).value
                    self.below(node.selection_set, value.get(key), (*path, key))
                continue
            if isinstance(node, FragmentSpreadNode):
                fragment: FragmentDefinitionNode | InlineFragmentNode = self.fragments[
                    node.name.value
                ]
            else:
                assert isinstance(node, InlineFragmentNode)
                fragment = node
            condition = fragment.type_condition
            if condition is not None and not self.applies(condition.name.value, value):
                continue
            if deferring(node, self.variables):
                self.found[(path, _label(node))] += 1
            self.selections(fragment.selection_set, value, path)

    def below(
        self, selection_set: SelectionSetNode, value: Any, path: tuple[str | int, ...]
    ) -> None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                self.below(selection_set, item, (*path, index))
        elif isinstance(value, dict):
            self.selections(selection_set, value, path)

    def applies(self, condition: str, value: dict[str, Any]) -> bool:
        runtime = self.schema.get_type(value[TYPENAME])
        target = self.schema.get_type(condition)
        if target is None or runtime is None:
            return False
        if is_abstract_type(target):
            return self.schema.is_sub_type(target, get_named_type(runtime))
        return target is runtime


def delivery_problems(expected: Counter[Item], delivered: list[Item]) -> list[str]:
    """Items missing or delivered more than once."""
    got = Counter(delivered)
    problems = []
    for item in sorted(set(expected) | set(got), key=str):
        if got[item] != expected[item]:
            path, label = item
            problems.append(
                f"{got[item]} items at {list(path)} labelled {label!r}, expected {expected[item]}"
            )
    return problems
