"""Build ``_entities`` representations from tree objects, and apply the plan's rewrites.

``requires`` reads each field from the tree under its response name (where the
earlier fetch put it, possibly under an internal alias) and writes it under
the field's own name, which is what the subgraph's ``@key``/``@requires``
resolver expects. An object lacking a required value (absent, or null where
the API schema says non-null or does not know the field, as for keys) yields
no representation: it is not sent.
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, is_non_null_type

from router.execution.tree import TypeMatcher
from router.plan import KeyRenamer, RequiredField, RequiredSelection, ValueSetter

_FRAGMENT = "... on "
_MISSING = object()


class _Unusable(Exception):
    """The object cannot be represented: a required value is missing."""


def build_representation(
    obj: dict[str, Any],
    requires: tuple[RequiredSelection, ...],
    rewrites: tuple[ValueSetter, ...],
    schema: GraphQLSchema,
    matches: TypeMatcher,
) -> dict[str, Any] | None:
    try:
        representation = _select(obj, requires, schema, matches)
    except _Unusable:
        return None
    if not representation:
        return None
    for setter in rewrites:
        _set_value(representation, setter, matches)
    return representation


def _select(
    obj: dict[str, Any],
    selections: tuple[RequiredSelection, ...],
    schema: GraphQLSchema,
    matches: TypeMatcher,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    typename = obj.get("__typename")
    for selection in selections:
        if isinstance(selection, RequiredField):
            value = obj.get(selection.response_name, _MISSING)
            if value is _MISSING or (value is None and _must_have(schema, typename, selection)):
                raise _Unusable
            out[selection.name] = _select_value(value, selection, schema, matches)
        elif matches(typename, selection.type_condition):
            for name, value in _select(obj, selection.selections, schema, matches).items():
                existing = out.get(name)
                if isinstance(existing, dict) and isinstance(value, dict):
                    existing.update(value)
                else:
                    out[name] = value
    return out


def _select_value(
    value: Any, field: RequiredField, schema: GraphQLSchema, matches: TypeMatcher
) -> Any:
    if value is None or not field.selections:
        return value
    if isinstance(value, list):
        return [_select_value(item, field, schema, matches) for item in value]
    if isinstance(value, dict):
        return _select(value, field.selections, schema, matches)
    return value


def _must_have(schema: GraphQLSchema, typename: str | None, field: RequiredField) -> bool:
    if field.name == "__typename":
        return True
    owner = schema.get_type(typename) if typename else None
    if not isinstance(owner, GraphQLObjectType) or field.name not in owner.fields:
        return True
    return is_non_null_type(owner.fields[field.name].type)


def _set_value(target: dict[str, Any], setter: ValueSetter, matches: TypeMatcher) -> None:
    for obj, last in _targets(target, setter.path, matches):
        obj[last] = setter.value


def apply_renames(
    result: dict[str, Any], renames: tuple[KeyRenamer, ...], matches: TypeMatcher
) -> None:
    for renamer in renames:
        for obj, last in _targets(result, renamer.path, matches):
            if last in obj:
                obj[renamer.rename_to] = obj.pop(last)


def _targets(
    value: Any, path: tuple[str, ...], matches: TypeMatcher
) -> list[tuple[dict[str, Any], str]]:
    """The objects holding the last step of ``path``, with that step's key."""
    if not path:
        return []
    if isinstance(value, list):
        return [t for item in value for t in _targets(item, path, matches)]
    if not isinstance(value, dict):
        return []
    step, rest = path[0], path[1:]
    if step.startswith(_FRAGMENT):
        if not matches(value.get("__typename"), step[len(_FRAGMENT) :].strip()):
            return []
        return _targets(value, rest, matches)
    if step == "@":
        return _targets(value, rest, matches)
    if not rest:
        return [(value, step)]
    return _targets(value.get(step), rest, matches)
