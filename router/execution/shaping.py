"""Response shaping: the client's answer, built from the response tree and the client's operation.

The tree holds whatever the fetches returned, under response names, with
extra fields the plan needed (keys, requirements, ``__typename``). Shaping
walks the client's operation the way the spec's ``ExecuteSelectionSet`` does
(``collect_fields`` → ``execute_fields`` → ``complete_value``) but reads
values from the tree instead of calling resolvers: it keeps only what was
asked, in the order asked, evaluates type conditions on the concrete
``__typename``, and turns a null in a non-null position into an error at that
path, nulling the nearest nullable ancestor; so does an enum value the API
schema lacks (``@inaccessible`` or unknown), which never reaches the client. A null whose cause is already
reported (an error at that path or above it) gets no second error. When
deferring (``ShapingContext.pending`` set), a fragment under an active
``@defer`` is left out and noted as a :class:`PendingDefer` at the path of
each object it applies to, to be shaped later with :func:`shape_deferred`.
A fragment authorization removed as written (``ShapingContext.refused``, by
its offset in the document) is left out, deferred fragments in it included;
unless it is deferred itself, a field selected only in such fragments answers ``null`` (as a field
authorization removed does: already reported, bubbling through non-null
positions), whatever the tree holds for it: the plan may have fetched it for
another reason, a key for instance.

Cost: linear in the size of the answer. Fields are collected once per object
type and set of field nodes into a :class:`ShapingCache`, which the caller
keeps across requests of one operation (:mod:`.shaping_cache`). An answer
with nothing to report is first shaped without building a path per value
(:mod:`.shaping_fast`); only when that meets something to report is it shaped
again here, with paths.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLDeferDirective,
    GraphQLEnumType,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    is_abstract_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_directive_values

from router.errors import ErrorCode, formatted_error
from router.execution.tree import ResponsePath

# Root fields whose values arrive already shaped (answered by graphql-core).
PRESHAPED_ROOT_FIELDS = frozenset({"__schema", "__type"})

FieldGroups = dict[str, list[FieldNode]]


class RefusedNodes(list[FieldNode]):
    """The field nodes of a response key selected only in fragments authorization removed."""


class _Invalid:
    """A non-null position got null: the parent must become null too."""


INVALID = _Invalid()
# A deferred fragment that turned out not to apply to its object (see ``shape_deferred``).
NOT_APPLICABLE = _Invalid()


@dataclass(frozen=True, slots=True)
class PlannedField:
    """One response key of an object: its field nodes and what completing it needs."""

    response_name: str
    nodes: list[FieldNode]
    is_typename: bool
    return_type: GraphQLOutputType | None  # None: the type has no such field
    plain_leaf: bool  # a nullable scalar: the value is the answer
    required_leaf: bool  # a non-null scalar: the value is the answer unless it is null
    where: str
    removed: bool = False  # selected only in fragments authorization removed: null


@dataclass(frozen=True, slots=True)
class PendingDefer:
    """A deferred fragment left out at ``path``, for an object of ``object_type``.

    ``offset`` is where the fragment (the spread, for a named one) starts in
    the client's document, as the plan's Deferred node names it.
    """

    offset: int
    label: str | None
    path: ResponsePath
    object_type: GraphQLObjectType
    selection_set: SelectionSetNode
    # For an object an @interfaceObject answered (``object_type`` the interface as an
    # object), the fragment's condition on an implementation: the deferred part fetches
    # the concrete type, and the fragment applies only if it meets the condition.
    type_condition: str | None = None


@dataclass(frozen=True, slots=True)
class _DeferredFragment:
    offset: int
    label: str | None
    selection_set: SelectionSetNode
    type_condition: str | None = None


@dataclass(slots=True)
class ShapingCache:
    """Fields collected for one operation under one set of directive values (and deferring or not).

    Every object of one type under one list of field nodes collects the same
    fields: collected once, keyed by the type and the list's identity. The
    entry holds the list, so its id cannot be reused while the entry lives;
    the lists come from earlier entries or the root's collection (kept in
    ``roots`` by the operation's identity), so repeated objects, and later
    requests of the same operation, hit.
    """

    planned: dict[
        tuple[str, int],
        tuple[list[FieldNode], list[PlannedField], list[_DeferredFragment]],
    ] = field(default_factory=dict)
    roots: dict[int, tuple[OperationDefinitionNode, FieldGroups, list[_DeferredFragment]]] = field(
        default_factory=dict
    )
    # The operation compiled for shaping without paths (:mod:`.shaping_fast`), by its identity.
    compiled: dict[int, tuple[OperationDefinitionNode, Any]] = field(default_factory=dict)


@dataclass(slots=True)
class ShapingContext:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: VariableValues
    errors: list[dict[str, Any]]
    reported: set[ResponsePath]
    cache: ShapingCache = field(default_factory=ShapingCache)
    # Deferring: fragments under an active @defer are left out and noted here.
    pending: list[PendingDefer] | None = None
    # Paths of fields authorization removed ("@" for any list index), of fragments it
    # removed that the client did not write as such (with their type condition), and the
    # paths above every removal: a null at, under or because of a removal is already
    # reported. (A null a fragment removed as written leaves is noted as its field is.)
    unauthorized: frozenset[tuple[str, ...]] = frozenset()
    expanded_fragments: frozenset[tuple[tuple[str, ...], str]] = frozenset()
    above_unauthorized: frozenset[tuple[str, ...]] = frozenset()
    # Offsets in the document of the fragments authorization removed as written.
    refused: frozenset[int] = frozenset()

    def report_null(self, message: str, nodes: list[FieldNode], path: ResponsePath) -> None:
        if any(path[:length] in self.reported for length in range(len(path) + 1)):
            return
        if self.unauthorized and self._unauthorized(path):
            return
        error = GraphQLError(message, nodes, path=list(path))
        # A subgraph gave no value where the schema promises one: its fault, not the client's.
        self.errors.append(formatted_error(error, ErrorCode.DOWNSTREAM_SERVICE_ERROR))
        self.reported.add(path)

    def _unauthorized(self, path: ResponsePath) -> bool:
        pattern = _pattern(path)
        return pattern in self.above_unauthorized or any(
            pattern[:length] in self.unauthorized for length in range(1, len(pattern) + 1)
        )

    def note_object(self, runtime_type: GraphQLObjectType, path: ResponsePath) -> None:
        """An object at ``path`` of a type whose expanded fragment authorization removed
        there: the nulls in it are that removal's, already reported (those in other objects
        there are not)."""
        pattern = _pattern(path)
        if any(
            at == pattern and _applies(self, condition, runtime_type)
            for at, condition in self.expanded_fragments
        ):
            self.reported.add(path)


def _pattern(path: ResponsePath) -> tuple[str, ...]:
    return tuple("@" if isinstance(key, int) else key for key in path)


def shape_response(
    context: ShapingContext,
    operation: OperationDefinitionNode,
    root_type: GraphQLObjectType,
    tree: dict[str, Any],
    preshaped: Mapping[str, Any],
) -> dict[str, Any] | None:
    """The ``data`` of the client response (``None`` when a root non-null field failed)."""
    fields, deferred = root_fields(context, root_type, operation)
    _note_pending(context, deferred, (), root_type)
    result: dict[str, Any] = {}
    for response_name, nodes in fields.items():
        if nodes[0].name.value in PRESHAPED_ROOT_FIELDS:
            result[response_name] = preshaped.get(response_name)
            continue
        value = execute_field(context, root_type, tree, nodes, (response_name,))
        if value is INVALID:
            return None
        result[response_name] = value
    return result


def root_fields(
    context: ShapingContext, root_type: GraphQLObjectType, operation: OperationDefinitionNode
) -> tuple[FieldGroups, list[_DeferredFragment]]:
    """The operation's root fields (and deferred root fragments), collected once per cache."""
    entry = context.cache.roots.get(id(operation))
    if entry is not None and entry[0] is operation:
        return entry[1], entry[2]
    deferred: list[_DeferredFragment] = []
    fields = collect_fields(context, root_type, [operation.selection_set], deferred)
    context.cache.roots[id(operation)] = (operation, fields, deferred)
    return fields, deferred


def collect_fields(
    context: ShapingContext,
    object_type: GraphQLObjectType,
    selection_sets: list[SelectionSetNode],
    deferred: list[_DeferredFragment] | None = None,
) -> FieldGroups:
    """CollectFields (spec §6.3.2), with type conditions checked against ``object_type``.

    When deferring, fragments under an active ``@defer`` go to ``deferred``.
    """
    groups: FieldGroups = {}
    visited: set[str] = set()
    for selection_set in selection_sets:
        _collect(context, object_type, selection_set, groups, visited, deferred)
    return groups


def _collect(
    context: ShapingContext,
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    groups: FieldGroups,
    visited: set[str],
    deferred: list[_DeferredFragment] | None,
) -> None:
    for selection in selection_set.selections:
        if not _should_include(context, selection):  # type: ignore[arg-type]
            continue
        if isinstance(selection, FieldNode):
            name = selection.alias.value if selection.alias else selection.name.value
            nodes = groups.get(name)
            if nodes is None or type(nodes) is RefusedNodes:
                groups[name] = [selection]
            else:
                nodes.append(selection)
            continue
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition.name.value if selection.type_condition else None
            inner = selection.selection_set
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.fragments.get(name)
            if name in visited or fragment is None:
                continue
            visited.add(name)
            condition, inner = fragment.type_condition.name.value, fragment.selection_set
        else:
            continue
        applies = condition is None or _applies(context, condition, object_type)
        if context.refused and selection.loc and selection.loc.start in context.refused:
            # A removed fragment the client deferred asked for nothing in the object itself
            # (and, nothing else being deferred, the answer may not defer at all).
            if applies and not _deferred_by_client(context, selection):
                _collect_refused(context, object_type, inner, groups)
            continue
        label = _active_defer(context, selection)
        if label is not None and deferred is not None:
            offset = selection.loc.start if selection.loc else 0
            if applies:
                deferred.append(_DeferredFragment(offset, label or None, inner))
            elif _answered_as_interface(context, object_type):
                deferred.append(_DeferredFragment(offset, label or None, inner, condition))
        elif applies:
            _collect(context, object_type, inner, groups, visited, deferred)


def _collect_refused(
    context: ShapingContext,
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    groups: FieldGroups,
) -> None:
    """Note the response keys a removed fragment selects that nothing else has.

    What it defers does not count, whether or not this answer defers: the
    client asked for it later, not in the object (as Apollo shapes it).
    """
    refused: FieldGroups = {}
    deferring = dataclasses.replace(context, pending=[])
    _collect(deferring, object_type, selection_set, refused, set(), [])
    for name, nodes in refused.items():
        known = groups.get(name)
        if known is None:
            groups[name] = RefusedNodes(nodes)
        elif type(known) is RefusedNodes:
            known.extend(nodes)


def _deferred_by_client(
    context: ShapingContext, node: InlineFragmentNode | FragmentSpreadNode
) -> bool:
    """Whether the fragment carries a ``@defer`` not switched off, deferring or not."""
    if not node.directives:
        return False
    defer = get_directive_values(GraphQLDeferDirective, node, context.variables)
    return defer is not None and defer.get("if") is not False


def _active_defer(
    context: ShapingContext, node: InlineFragmentNode | FragmentSpreadNode
) -> str | None:
    """The label (``""`` for none) of the fragment's ``@defer`` when deferring, else ``None``."""
    if context.pending is None or not node.directives:
        return None
    defer = get_directive_values(GraphQLDeferDirective, node, context.variables)
    if not defer or defer.get("if") is False:
        return None
    return str(defer.get("label") or "")


def _note_pending(
    context: ShapingContext,
    deferred: list[_DeferredFragment],
    path: ResponsePath,
    object_type: GraphQLObjectType,
) -> None:
    if context.pending is not None:
        context.pending.extend(
            PendingDefer(d.offset, d.label, path, object_type, d.selection_set, d.type_condition)
            for d in deferred
        )


def _answered_as_interface(context: ShapingContext, object_type: GraphQLObjectType) -> bool:
    """Whether ``object_type`` stands for an interface (an @interfaceObject's answer)."""
    return isinstance(context.schema.get_type(object_type.name), GraphQLInterfaceType)


def _should_include(
    context: ShapingContext, node: FieldNode | InlineFragmentNode | FragmentSpreadNode
) -> bool:
    skip = get_directive_values(GraphQLSkipDirective, node, context.variables)
    if skip and skip.get("if") is True:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, context.variables)
    return not (include and include.get("if") is False)


def _applies(context: ShapingContext, condition: str, object_type: GraphQLObjectType) -> bool:
    if condition == object_type.name:
        return True
    condition_type = context.schema.get_type(condition)
    if condition_type is None or not is_abstract_type(condition_type):
        return False
    return context.schema.is_sub_type(condition_type, object_type)


def execute_field(
    context: ShapingContext,
    parent_type: GraphQLObjectType,
    source: Mapping[str, Any],
    nodes: list[FieldNode],
    path: ResponsePath,
) -> Any:
    field_name = nodes[0].name.value
    if field_name == "__typename":
        return parent_type.name
    definition = parent_type.fields.get(field_name)
    if definition is None:
        return None
    response_name = path[-1]
    value = source.get(response_name) if isinstance(response_name, str) else None
    where = f"{parent_type.name}.{field_name}"
    return complete_value(context, definition.type, nodes, value, path, where)


def complete_value(
    context: ShapingContext,
    return_type: GraphQLOutputType,
    nodes: list[FieldNode],
    value: Any,
    path: ResponsePath,
    where: str,
) -> Any:
    """CompleteValue (spec §6.4.3) over a value already fetched; ``INVALID`` means null must bubble."""
    if isinstance(return_type, GraphQLNonNull):
        if value is None:
            context.report_null(f"Cannot return null for non-nullable field {where}.", nodes, path)
            return INVALID
        return _complete_nullable(context, return_type.of_type, nodes, value, path, where)
    if value is None:
        return None
    completed = _complete_nullable(context, return_type, nodes, value, path, where)
    return None if completed is INVALID else completed


def _complete_nullable(
    context: ShapingContext,
    return_type: GraphQLOutputType,
    nodes: list[FieldNode],
    value: Any,
    path: ResponsePath,
    where: str,
) -> Any:
    if isinstance(return_type, GraphQLList):
        if not isinstance(value, list):
            context.report_null(f"Expected a list for field {where}.", nodes, path)
            return INVALID
        items = []
        for index, item in enumerate(value):
            completed = complete_value(
                context, return_type.of_type, nodes, item, (*path, index), where
            )
            if completed is INVALID:
                return INVALID
            items.append(completed)
        return items
    if isinstance(return_type, GraphQLEnumType):
        # A value the API schema lacks (@inaccessible, or unknown) must not reach the client.
        if not isinstance(value, str) or value not in return_type.values:
            context.report_null(f"Invalid value found for field {where}.", nodes, path)
            return INVALID
        return value
    if is_leaf_type(return_type):
        return value
    if not isinstance(value, dict):
        context.report_null(f"Expected an object for field {where}.", nodes, path)
        return INVALID
    runtime_type = runtime_type_of(context, return_type, value)
    if runtime_type is None:
        context.report_null(
            f"Could not resolve the concrete type of {where} "
            f"(__typename {value.get('__typename')!r}).",
            nodes,
            path,
        )
        return INVALID
    if context.expanded_fragments:
        context.note_object(runtime_type, path)
    planned, deferred = planned_fields(context, runtime_type, nodes)
    _note_pending(context, deferred, path, runtime_type)
    return _complete_fields(context, runtime_type, planned, value, path)


def shape_deferred(context: ShapingContext, pending: PendingDefer, value: Any) -> Any:
    """The data of a deferred fragment for the object ``value`` (``INVALID``: null bubbled to
    it; ``NOT_APPLICABLE``: the object, answered as an interface before, is of a type the
    fragment's condition leaves out)."""
    if not isinstance(value, dict):
        return INVALID
    object_type: GraphQLObjectType | None = pending.object_type
    if _answered_as_interface(context, pending.object_type):
        # The deferred part may have fetched the concrete type since.
        interface = context.schema.get_type(pending.object_type.name)
        object_type = runtime_type_of(context, interface, value)  # type: ignore[arg-type]
        if object_type is None or (
            pending.type_condition is not None
            and not _applies(context, pending.type_condition, object_type)
        ):
            return NOT_APPLICABLE
    assert object_type is not None
    deferred: list[_DeferredFragment] = []
    groups = collect_fields(context, object_type, [pending.selection_set], deferred)
    _note_pending(context, deferred, pending.path, object_type)
    planned = [_plan_field(object_type, name, nodes) for name, nodes in groups.items()]
    return _complete_fields(context, object_type, planned, value, pending.path)


def _complete_fields(
    context: ShapingContext,
    runtime_type: GraphQLObjectType,
    fields: list[PlannedField],
    value: Mapping[str, Any],
    path: ResponsePath,
) -> Any:
    result: dict[str, Any] = {}
    for planned in fields:
        name = planned.response_name
        if planned.is_typename:
            result[name] = runtime_type.name
        elif planned.return_type is None:
            result[name] = None
        elif planned.removed:
            where = (*path, name)
            context.reported.add(where)  # reported with the fragment's removal
            completed = complete_value(
                context, planned.return_type, planned.nodes, None, where, planned.where
            )
            if completed is INVALID:
                return INVALID
            result[name] = completed
        elif planned.plain_leaf:
            result[name] = value.get(name)
        else:
            completed = complete_value(
                context,
                planned.return_type,
                planned.nodes,
                value.get(name),
                (*path, name),
                planned.where,
            )
            if completed is INVALID:
                return INVALID
            result[name] = completed
    return result


def planned_fields(
    context: ShapingContext, object_type: GraphQLObjectType, nodes: list[FieldNode]
) -> tuple[list[PlannedField], list[_DeferredFragment]]:
    """The fields of ``object_type`` that ``nodes``' selection sets collect, prepared once.

    Also the deferred fragments left out of them, when deferring.
    """
    key = (object_type.name, id(nodes))
    entry = context.cache.planned.get(key)
    if entry is not None and entry[0] is nodes:
        return entry[1], entry[2]
    selection_sets = [n.selection_set for n in nodes if n.selection_set is not None]
    deferred: list[_DeferredFragment] = []
    planned = [
        _plan_field(object_type, response_name, field_nodes)
        for response_name, field_nodes in collect_fields(
            context, object_type, selection_sets, deferred
        ).items()
    ]
    context.cache.planned[key] = (nodes, planned, deferred)
    return planned, deferred


def _plan_field(
    object_type: GraphQLObjectType, response_name: str, nodes: list[FieldNode]
) -> PlannedField:
    field_name = nodes[0].name.value
    definition = object_type.fields.get(field_name)
    return_type = definition.type if definition is not None else None
    return PlannedField(
        response_name=response_name,
        nodes=nodes,
        is_typename=field_name == "__typename",
        return_type=return_type,
        plain_leaf=isinstance(return_type, GraphQLScalarType),
        required_leaf=isinstance(return_type, GraphQLNonNull)
        and isinstance(return_type.of_type, GraphQLScalarType),
        where=f"{object_type.name}.{field_name}",
        removed=type(nodes) is RefusedNodes,
    )


def runtime_type_of(
    context: ShapingContext, return_type: GraphQLOutputType, value: Mapping[str, Any]
) -> GraphQLObjectType | None:
    """ResolveAbstractType from the tree's ``__typename``; an object type is its own."""
    if isinstance(return_type, GraphQLObjectType):
        return return_type
    typename = value.get("__typename")
    concrete = context.schema.get_type(typename) if isinstance(typename, str) else None
    if isinstance(concrete, GraphQLInterfaceType) and (
        concrete is return_type or context.schema.is_sub_type(return_type, concrete)  # type: ignore[arg-type]
    ):
        # An @interfaceObject answer: the plan fetched no concrete type, so the selection
        # needs none (no __typename, no type condition below the interface).
        return _interface_as_object(concrete)
    if not isinstance(concrete, GraphQLObjectType):
        return None
    if not context.schema.is_sub_type(return_type, concrete):  # type: ignore[arg-type]
        return None
    return concrete


@lru_cache(maxsize=256)
def _interface_as_object(interface: GraphQLInterfaceType) -> GraphQLObjectType:
    """The interface's fields as an object type of its name, to shape interface-typed values.

    Type conditions compare by name, so a fragment on the interface (or one it
    implements) applies and one on an implementation does not.
    """
    return GraphQLObjectType(
        interface.name,
        lambda: interface.fields,
        interfaces=lambda: [interface, *interface.interfaces],
    )
