"""Build ``_entities`` representations from tree objects, and apply the plan's rewrites.

``requires`` reads each field from the tree under its response name (where the
earlier fetch put it, possibly under an internal alias) and writes it under
the field's own name, which is what the subgraph's ``@key``/``@requires``
resolver expects. An object lacking a required value (absent, or null where
the API schema says non-null or does not know the field, as for keys) yields
no representation: it is not sent.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache
from typing import Any, NamedTuple

from graphql import GraphQLObjectType, GraphQLSchema, is_non_null_type

from router.execution.tree import TypeMatcher
from router.plan import KeyRenamer, RequiredField, RequiredSelection, ValueSetter

_FRAGMENT = "... on "
_MISSING = object()


class _Unusable(Exception):
    """The object cannot be represented: a required value is missing."""


class _Field(NamedTuple):
    name: str
    response_name: str
    selections: _Compiled | None  # None: a leaf, copied as it is


class _Fragment(NamedTuple):
    type_condition: str
    selections: _Compiled


_Compiled = tuple["_Field | _Fragment", ...]


def _compile(selections: tuple[RequiredSelection, ...]) -> _Compiled:
    return tuple(
        _Field(s.name, s.response_name, _compile(s.selections) if s.selections else None)
        if isinstance(s, RequiredField)
        else _Fragment(s.type_condition, _compile(s.selections))
        for s in selections
    )


class EntityGroup:
    """Entities sent with the same contextual values: their distinct representations."""

    __slots__ = ("index_of", "representations", "targets", "values")

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self.representations: list[dict[str, Any]] = []
        self.targets: list[list[dict[str, Any]]] = []
        self.index_of: dict[Hashable, int] = {}

    def add(self, representation: dict[str, Any], obj: dict[str, Any]) -> None:
        key = representation_key(representation)
        index = self.index_of.get(key)
        if index is None:
            index = self.index_of[key] = len(self.representations)
            self.representations.append(representation)
            self.targets.append([])
        self.targets[index].append(obj)


class RepresentationBuilder:
    """A fetch's representations, compiled once per fetch and schema.

    ``builder(obj, matches)`` is the object's representation, or ``None`` when
    it cannot have one. :meth:`add_all` adds many objects' representations to
    a group; for the usual ``requires`` (scalar fields under one type
    condition, no rewrites: entity keys and most ``@requires``) it keys each
    object by its values alone, building a representation only for the first
    object of each key.
    """

    __slots__ = ("_compiled", "_condition", "_flat", "_must_have", "_rewrites", "_schema")

    def __init__(
        self,
        requires: tuple[RequiredSelection, ...],
        rewrites: tuple[ValueSetter, ...],
        schema: GraphQLSchema,
    ) -> None:
        self._compiled = _compile(requires)
        self._rewrites = rewrites
        self._schema = schema
        self._must_have: dict[tuple[str | None, str], bool] = {}
        self._condition, self._flat = _flat(self._compiled, rewrites)

    def __call__(self, obj: dict[str, Any], matches: TypeMatcher) -> dict[str, Any] | None:
        try:
            representation = self._select(obj, self._compiled, matches)
        except _Unusable:
            return None
        if not representation:
            return None
        for setter in self._rewrites:
            _set_value(representation, setter, matches)
        return representation

    def add_all(
        self, objects: list[dict[str, Any]], group: EntityGroup, matches: TypeMatcher
    ) -> None:
        """Each object with a representation into ``group``, deduplicated."""
        flat, condition = self._flat, self._condition
        if flat is None or condition is None:
            for obj in objects:
                representation = self(obj, matches)
                if representation is not None:
                    group.add(representation, obj)
            return
        names = [name for name, _ in flat]
        index_of, targets = group.index_of, group.targets
        for obj in objects:
            typename = obj.get("__typename")
            if typename != condition and not matches(typename, condition):
                continue
            values: list[Any] = []
            general = False
            for name, response_name in flat:
                value = obj.get(response_name, _MISSING)
                kind = type(value)
                if kind is str or kind is int:
                    values.append(value)
                elif value is None:
                    if self._needed(typename, name):
                        break  # no representation
                    values.append(None)
                elif value is not _MISSING:
                    general = True  # bool, float or a structure: keyed the general way
                    break
                else:
                    break  # no representation
            else:
                # Only str, int and None: equal tuples are equal representations.
                key = tuple(values)
                index = index_of.get(key)
                if index is None:
                    index_of[key] = len(group.representations)
                    group.representations.append(dict(zip(names, values, strict=True)))
                    targets.append([obj])
                else:
                    targets[index].append(obj)
                continue
            if general:
                representation = self(obj, matches)
                if representation is not None:
                    group.add(representation, obj)

    def _needed(self, typename: str | None, name: str) -> bool:
        key = (typename, name)
        needed = self._must_have.get(key)
        if needed is None:
            needed = self._must_have[key] = _must_have(self._schema, typename, name)
        return needed

    def _select(
        self, obj: dict[str, Any], selections: _Compiled, matches: TypeMatcher
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        typename = obj.get("__typename")
        for selection in selections:
            if isinstance(selection, _Field):
                value = obj.get(selection.response_name, _MISSING)
                if value is None:
                    if self._needed(typename, selection.name):
                        raise _Unusable
                elif value is _MISSING:
                    raise _Unusable
                elif selection.selections is not None:
                    value = self._select_value(value, selection.selections, matches)
                out[selection.name] = value
            elif matches(typename, selection.type_condition):
                for name, value in self._select(obj, selection.selections, matches).items():
                    existing = out.get(name)
                    if isinstance(existing, dict) and isinstance(value, dict):
                        existing.update(value)
                    else:
                        out[name] = value
        return out

    def _select_value(self, value: Any, selections: _Compiled, matches: TypeMatcher) -> Any:
        if isinstance(value, list):
            return [self._select_value(item, selections, matches) for item in value]
        if isinstance(value, dict):
            return self._select(value, selections, matches)
        return value


def _flat(
    compiled: _Compiled, rewrites: tuple[ValueSetter, ...]
) -> tuple[str | None, tuple[tuple[str, str], ...] | None]:
    """``requires`` as one type condition and its scalar fields, when it is that simple."""
    if rewrites or len(compiled) != 1 or not isinstance(compiled[0], _Fragment):
        return None, None
    fragment = compiled[0]
    fields = tuple(
        (s.name, s.response_name)
        for s in fragment.selections
        if isinstance(s, _Field) and s.selections is None
    )
    names = [name for name, _ in fields]
    if not fields or len(fields) != len(fragment.selections) or len(set(names)) != len(names):
        return None, None
    return fragment.type_condition, fields


@lru_cache(maxsize=1024)
def representation_builder(
    requires: tuple[RequiredSelection, ...],
    rewrites: tuple[ValueSetter, ...],
    schema: GraphQLSchema,
) -> RepresentationBuilder:
    """The builder of a fetch's representations, compiled once per fetch and schema."""
    return RepresentationBuilder(requires, rewrites, schema)


def representation_key(value: dict[str, Any]) -> Hashable:
    """Equal for equal representations (key order aside), without serialising them."""
    items = tuple(value.items())
    for _, item in items:
        kind = type(item)
        if kind is not str and kind is not int:  # bool and float are told apart below
            return frozenset((name, _frozen(item)) for name, item in items)
    return frozenset(items)


def _frozen(value: Any) -> Hashable:
    kind = type(value)
    if kind is str or kind is int:
        plain: Hashable = value
        return plain
    if kind is dict:
        return representation_key(value)
    if kind is list:
        return (list, tuple(_frozen(item) for item in value))
    # bool and float apart from int: true is not 1, 1.0 is not 1 (as in the JSON sent).
    return (kind, value)


def _must_have(schema: GraphQLSchema, typename: str | None, field_name: str) -> bool:
    if field_name == "__typename":
        return True
    owner = schema.get_type(typename) if typename else None
    if not isinstance(owner, GraphQLObjectType) or field_name not in owner.fields:
        return True
    return is_non_null_type(owner.fields[field_name].type)


def _set_value(target: dict[str, Any], setter: ValueSetter, matches: TypeMatcher) -> None:
    for obj, last in _targets(target, setter.path, matches):
        obj[last] = setter.value


def apply_renames(
    result: dict[str, Any],
    renames: tuple[KeyRenamer, ...],
    matches: TypeMatcher,
    typename: str | None = None,
) -> None:
    """Rename keys in ``result``; ``typename`` is its type when it need not say (an entity
    answers without ``__typename``: its type is its representation's)."""
    for renamer in renames:
        for obj, last in _targets(result, renamer.path, matches, typename):
            if last in obj:
                obj[renamer.rename_to] = obj.pop(last)


def _targets(
    value: Any, path: tuple[str, ...], matches: TypeMatcher, typename: str | None = None
) -> list[tuple[dict[str, Any], str]]:
    """The objects holding the last step of ``path``, with that step's key (``typename``:
    the type of ``value`` where it has no ``__typename``)."""
    if not path:
        return []
    if isinstance(value, list):
        return [t for item in value for t in _targets(item, path, matches)]
    if not isinstance(value, dict):
        return []
    step, rest = path[0], path[1:]
    if step.startswith(_FRAGMENT):
        if not matches(value.get("__typename", typename), step[len(_FRAGMENT) :].strip()):
            return []
        return _targets(value, rest, matches, typename)
    if step == "@":
        return _targets(value, rest, matches, typename)
    if not rest:
        return [(value, step)]
    return _targets(value.get(step), rest, matches)
