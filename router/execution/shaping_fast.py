"""Shaping an answer that has nothing to report, without building a path per value.

Most answers have no null in a non-null position, no value of the wrong
kind and no enum value the API schema lacks. For those, the paths that
:mod:`.shaping` carries to report such things are pure cost: a tuple per
field and per list item. :func:`shape_without_paths` completes values the
same way but with no path; when it meets anything it would have to report,
it gives up (:class:`NeedsPaths`) and the caller shapes the answer again
with :func:`.shaping.shape_response`, which reports it at its path. Deferring
always takes the path-carrying way (deferred fragments are noted by path).
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
    PlannedField,
    ShapingContext,
    planned_fields,
    root_fields,
    runtime_type_of,
)


class NeedsPaths(Exception):
    """Something must be reported at its path: shape with :mod:`.shaping` instead."""


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
    fields, _ = root_fields(context, root_type, operation)
    result: dict[str, Any] = {}
    for response_name, nodes in fields.items():
        field_name = nodes[0].name.value
        if field_name in PRESHAPED_ROOT_FIELDS:
            result[response_name] = preshaped.get(response_name)
        elif field_name == "__typename":
            result[response_name] = root_type.name
        else:
            definition = root_type.fields.get(field_name)
            result[response_name] = (
                None
                if definition is None
                else _value(context, definition.type, nodes, tree.get(response_name))
            )
    return result


def _fields(
    context: ShapingContext,
    runtime_type: GraphQLObjectType,
    fields: list[PlannedField],
    value: Mapping[str, Any],
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for planned in fields:
        name = planned.response_name
        if planned.plain_leaf:
            result[name] = value.get(name)
        elif planned.required_leaf:
            leaf = value.get(name)
            if leaf is None:
                raise NeedsPaths
            result[name] = leaf
        elif planned.is_typename:
            result[name] = runtime_type.name
        elif planned.return_type is None:
            result[name] = None
        else:
            result[name] = _value(context, planned.return_type, planned.nodes, value.get(name))
    return result


def _value(
    context: ShapingContext, return_type: GraphQLOutputType, nodes: list[FieldNode], value: Any
) -> Any:
    if type(return_type) is GraphQLNonNull:
        if value is None:
            raise NeedsPaths
        return_type = return_type.of_type
    elif value is None:
        return None
    if type(return_type) is GraphQLList:
        if type(value) is not list:
            raise NeedsPaths
        item_type = return_type.of_type
        return [_value(context, item_type, nodes, item) for item in value]
    if isinstance(return_type, GraphQLEnumType):
        if not isinstance(value, str) or value not in return_type.values:
            raise NeedsPaths
        return value
    if isinstance(return_type, GraphQLScalarType):  # enums are handled above
        return value
    if type(value) is not dict:
        raise NeedsPaths
    runtime_type = runtime_type_of(context, return_type, value)
    if runtime_type is None:
        raise NeedsPaths
    planned, _ = planned_fields(context, runtime_type, nodes)
    return _fields(context, runtime_type, planned, value)
