"""The per-request response tree: finding the objects a Flatten path names, and merging into them.

A path step is a response name, ``"@"`` (every item of a list) or
``"... on T"`` (only objects whose ``__typename`` is ``T`` or implements it).
Lists are stepped into wherever they stand, so ``"@"`` only documents them.

:func:`objects_at` walks the tree level by level and returns the objects
only: no path is built on the way (the hot path of every entity fetch).
:func:`located_at` walks the same way keeping each object's concrete path
(list indices included), for the rare callers that need it: errors reported
at the client's path, contextual values read from ancestors.

Subgraph answers are never changed: one answer may be shared by every
request that asked the same thing at once (:mod:`router.transport.dedup`).
The tree holds them by reference and copies on write: ``owned`` maps the id
of every object and list this request made (its root first) to it, and a
walk or merge that would change anything else first puts a shallow copy in
its place. A walk copies what it passes through, so what it returns can be
merged into; what it does not reach stays shared. Owned containers only
ever sit below owned ones, so the copies are never out of the tree's reach.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple

ResponsePath = tuple[str | int, ...]
TypeMatcher = Callable[[str | None, str], bool]
"""``matches(typename, condition)``: is an object of ``typename`` selected by ``... on condition``."""

_FRAGMENT = "... on "


class Located(NamedTuple):
    """An object of the tree and its client path."""

    obj: dict[str, Any]
    path: ResponsePath


class _Step(NamedTuple):
    name: str  # a response name, or the type condition
    is_condition: bool


@lru_cache(maxsize=4096)
def _compiled(steps: tuple[str, ...]) -> tuple[_Step, ...]:
    """``steps`` without ``"@"``, type conditions split off: once per distinct path."""
    return tuple(
        _Step(step[len(_FRAGMENT) :].strip(), True)
        if step.startswith(_FRAGMENT)
        else _Step(step, False)
        for step in steps
        if step != "@"
    )


Owned = dict[int, Any]


def own(value: Any, owned: Owned) -> Any:
    """``value`` (an object or a list) if this request made it, else a shallow copy it owns."""
    if id(value) in owned:
        return value
    copy = dict(value) if type(value) is dict else list(value)
    owned[id(copy)] = copy
    return copy


def objects_at(
    root: dict[str, Any], steps: tuple[str, ...], matches: TypeMatcher, owned: Owned
) -> list[dict[str, Any]]:
    """Every object at ``steps`` below ``root`` (owned), in document order, owned."""
    if not steps:
        return []
    level: list[dict[str, Any]] = [root]
    for name, is_condition in _compiled(steps):
        if is_condition:
            level = [obj for obj in level if matches(obj.get("__typename"), name)]
            continue
        below: list[dict[str, Any]] = []
        for obj in level:
            child: Any = obj.get(name)
            kind = type(child)
            if kind is dict or kind is list:
                if id(child) not in owned:
                    child = obj[name] = own(child, owned)
                if kind is dict:
                    below.append(child)
                else:
                    _items(child, below, owned)
        level = below
    return level


def _items(values: list[Any], into: list[dict[str, Any]], owned: Owned) -> None:
    for index, item in enumerate(values):
        kind = type(item)
        if kind is dict or kind is list:
            if id(item) not in owned:
                item = values[index] = own(item, owned)
            if kind is dict:
                into.append(item)
            else:
                _items(item, into, owned)


def located_at(
    root: dict[str, Any], steps: tuple[str, ...], matches: TypeMatcher, owned: Owned
) -> list[Located]:
    """:func:`objects_at` with each object's path: for errors and contexts, off the hot path."""
    if not steps:
        return []
    level: list[Located] = [Located(root, ())]
    for name, is_condition in _compiled(steps):
        if is_condition:
            level = [loc for loc in level if matches(loc.obj.get("__typename"), name)]
            continue
        below: list[Located] = []
        for obj, path in level:
            child: Any = obj.get(name)
            kind = type(child)
            if kind is dict or kind is list:
                if id(child) not in owned:
                    child = obj[name] = own(child, owned)
                if kind is dict:
                    below.append(Located(child, (*path, name)))
                else:
                    _located_items(child, (*path, name), below, owned)
        level = below
    return level


def _located_items(
    values: list[Any], path: ResponsePath, into: list[Located], owned: Owned
) -> None:
    for index, item in enumerate(values):
        kind = type(item)
        if kind is dict or kind is list:
            if id(item) not in owned:
                item = values[index] = own(item, owned)
            if kind is dict:
                into.append(Located(item, (*path, index)))
            else:
                _located_items(item, (*path, index), into, owned)


def deep_merge(target: dict[str, Any], source: dict[str, Any], owned: Owned) -> None:
    """Merge ``source`` into ``target`` (owned): objects field by field, lists item by item.

    ``source`` is not changed; what it holds is put in by reference.
    """
    if target.keys().isdisjoint(source):  # the usual entity answer: only new fields
        target.update(source)
        return
    for name, incoming in source.items():
        existing = target.get(name)
        # Most fields are new to the object, or leaves: no call for them.
        if (
            existing is None
            or type(incoming) is not type(existing)
            or type(incoming)
            not in (
                dict,
                list,
            )
        ):
            target[name] = incoming
        else:
            target[name] = _merged(existing, incoming, owned)


def _merged(existing: Any, incoming: Any, owned: Owned) -> Any:
    if type(existing) is dict and type(incoming) is dict:
        existing = own(existing, owned)
        deep_merge(existing, incoming, owned)
        return existing
    if type(existing) is list and type(incoming) is list and len(existing) == len(incoming):
        existing = own(existing, owned)
        existing[:] = [
            _merged(old, new, owned) for old, new in zip(existing, incoming, strict=True)
        ]
        return existing
    return incoming


def merge_into_each(targets: list[dict[str, Any]], source: dict[str, Any], owned: Owned) -> bool:
    """:func:`deep_merge` ``source`` into every target; whether any walk could now find more.

    False when all ``source`` added was new fields no walk steps into (no
    object, list or ``__typename``): walks made before still hold.
    """
    if "__typename" not in source:
        for value in source.values():
            kind = type(value)
            if kind is dict or kind is list:
                break
        else:
            changed = False
            for target in targets:
                if target.keys().isdisjoint(source):
                    target.update(source)
                else:
                    deep_merge(target, source, owned)
                    changed = True
            return changed
    for target in targets:
        deep_merge(target, source, owned)
    return True
