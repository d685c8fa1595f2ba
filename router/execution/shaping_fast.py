"""Shaping an answer that has nothing to report, without building a path per value.

Most answers have no null in a non-null position, no value of the wrong
kind and no enum value the API schema lacks. For those, the paths that
:mod:`.shaping` carries to report such things are pure cost: a tuple per
field and per list item. :func:`shape_without_paths` completes values the
same way but with no path; when it meets anything it would have to report,
it gives up (:class:`NeedsPaths`) and the caller shapes the answer again
with :func:`.shaping.shape_response`, which reports it at its path. Deferring
always takes the path-carrying way (deferred fragments are noted by path).

The operation is compiled for this once per :class:`~.shaping.ShapingCache`
(so once per operation and set of directive values, across requests): each
object type under each list of field nodes becomes an :class:`_Object`, its
fields a flat list of what to do with each (copy a scalar, check a non-null
one, write ``__typename``, complete a value), and each field's type a
:class:`_Value` that already knows whether it is non-null, a list, an enum,
a scalar or which object to shape. An abstract type's objects are compiled
per concrete ``__typename`` the first time one is met.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    OperationDefinitionNode,
)
from graphql.language import FieldNode

from router.execution.shaping import (
    PRESHAPED_ROOT_FIELDS,
    ShapingContext,
    planned_fields,
    root_fields,
    runtime_type_of,
)


class NeedsPaths(Exception):
    """Something must be reported at its path: shape with :mod:`.shaping` instead."""


# What an object's field takes: the kinds of :attr:`_Object.fields`.
_PLAIN = 0  # a nullable scalar: the value as it is
_REQUIRED = 1  # a non-null scalar: the value, unless it is null
_TYPENAME = 2  # __typename: the runtime type's name
_NULL = 3  # a field the type does not have
_VALUE = 4  # anything else: completed by its _Value


class _Object:
    """The fields of one object type under one list of field nodes, in response order."""

    __slots__ = ("fields",)

    def __init__(self, fields: list[tuple[int, str, Any]]) -> None:
        self.fields = fields


class _Value:
    """How to complete a value of one output type under one list of field nodes."""

    __slots__ = (
        "by_typename",
        "enum_values",
        "item",
        "leaf",
        "nodes",
        "non_null",
        "object",
        "type",
    )

    def __init__(self, return_type: GraphQLOutputType, nodes: list[FieldNode]) -> None:
        self.non_null = type(return_type) is GraphQLNonNull
        named: Any = return_type.of_type if self.non_null else return_type  # type: ignore[union-attr]
        self.type: GraphQLOutputType = named
        self.nodes = nodes
        self.item: _Value | None = None
        self.enum_values: Mapping[str, Any] | None = None
        self.leaf = False
        self.object: _Object | None = None
        # Abstract types: the object to shape per concrete __typename (None: not resolvable).
        self.by_typename: dict[str, _Object | None] | None = None

    def compile(self, context: ShapingContext) -> _Value:
        named = self.type
        if type(named) is GraphQLList:
            self.item = _Value(named.of_type, self.nodes).compile(context)
        elif isinstance(named, GraphQLEnumType):
            self.enum_values = named.values
        elif isinstance(named, GraphQLScalarType):
            self.leaf = True
        elif isinstance(named, GraphQLObjectType):
            self.object = _compile_object(context, named, self.nodes)
        else:
            self.by_typename = {}
        return self

    def object_for(self, context: ShapingContext, value: dict[str, Any]) -> _Object:
        """The object to shape ``value`` as, from its ``__typename`` (abstract types)."""
        typename = value.get("__typename")
        by_typename = self.by_typename
        if by_typename is None or type(typename) is not str:
            raise NeedsPaths
        try:
            found = by_typename[typename]
        except KeyError:
            runtime_type = runtime_type_of(context, self.type, value)
            found = by_typename[typename] = (
                None if runtime_type is None else _compile_object(context, runtime_type, self.nodes)
            )
        if found is None:
            raise NeedsPaths
        return found


def _compile_object(
    context: ShapingContext, runtime_type: GraphQLObjectType, nodes: list[FieldNode]
) -> _Object:
    planned, _ = planned_fields(context, runtime_type, nodes)
    fields: list[tuple[int, str, Any]] = []
    for field in planned:
        name = field.response_name
        if field.plain_leaf:
            fields.append((_PLAIN, name, None))
        elif field.required_leaf:
            fields.append((_REQUIRED, name, None))
        elif field.is_typename:
            fields.append((_TYPENAME, name, runtime_type.name))
        elif field.return_type is None:
            fields.append((_NULL, name, None))
        else:
            fields.append((_VALUE, name, _Value(field.return_type, field.nodes).compile(context)))
    return _Object(fields)


def shape_without_paths(
    context: ShapingContext,
    operation: OperationDefinitionNode,
    root_type: GraphQLObjectType,
    tree: dict[str, Any],
    preshaped: Mapping[str, Any],
) -> dict[str, Any]:
    """The ``data`` of the client response; raises :class:`NeedsPaths` if anything is to report."""
    if context.pending is not None:
        raise NeedsPaths
    result: dict[str, Any] = {}
    for response_name, field_name, shape in _root(context, operation, root_type):
        if field_name in PRESHAPED_ROOT_FIELDS:
            result[response_name] = preshaped.get(response_name)
        elif field_name == "__typename":
            result[response_name] = root_type.name
        else:
            result[response_name] = (
                None if shape is None else _complete(context, shape, tree.get(response_name))
            )
    return result


def _root(
    context: ShapingContext, operation: OperationDefinitionNode, root_type: GraphQLObjectType
) -> list[tuple[str, str, _Value | None]]:
    """The root fields compiled: response name, field name, how to complete the value."""
    entry = context.cache.compiled.get(id(operation))
    if entry is not None and entry[0] is operation:
        compiled: list[tuple[str, str, _Value | None]] = entry[1]
        return compiled
    fields, _ = root_fields(context, root_type, operation)
    compiled = []
    for response_name, nodes in fields.items():
        field_name = nodes[0].name.value
        definition = root_type.fields.get(field_name)
        shape = (
            None
            if definition is None or field_name in PRESHAPED_ROOT_FIELDS
            else _Value(definition.type, nodes).compile(context)
        )
        compiled.append((response_name, field_name, shape))
    context.cache.compiled[id(operation)] = (operation, compiled)
    return compiled


def _complete(context: ShapingContext, shape: _Value, value: Any) -> Any:
    if value is None:
        if shape.non_null:
            raise NeedsPaths
        return None
    item = shape.item
    if item is not None:
        if type(value) is not list:
            raise NeedsPaths
        shaped = item.object
        if shaped is None:
            return [_complete(context, item, v) for v in value]
        # A list of one object type, the usual case: no call per item to get there.
        items: list[Any] = []
        for v in value:
            if type(v) is dict:
                items.append(_fields(context, shaped, v))
            elif v is None and not item.non_null:
                items.append(None)
            else:
                raise NeedsPaths
        return items
    if shape.leaf:
        return value
    enum_values = shape.enum_values
    if enum_values is not None:
        if type(value) is not str or value not in enum_values:
            raise NeedsPaths
        return value
    if type(value) is not dict:
        raise NeedsPaths
    return _fields(context, shape.object or shape.object_for(context, value), value)


def _fields(context: ShapingContext, shaped: _Object, value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for kind, name, how in shaped.fields:
        if kind == _PLAIN:
            result[name] = value.get(name)
        elif kind == _REQUIRED:
            leaf = value.get(name)
            if leaf is None:
                raise NeedsPaths
            result[name] = leaf
        elif kind == _VALUE:
            result[name] = _complete(context, how, value.get(name))
        else:  # __typename's name, or None for a field the type lacks
            result[name] = how
    return result
