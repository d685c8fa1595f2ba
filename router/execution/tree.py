"""The per-request response tree: finding the objects a Flatten path names, and merging into them.

A path step is a response name, ``"@"`` (every item of a list) or
``"... on T"`` (only objects whose ``__typename`` is ``T`` or implements it).
Lists are stepped into wherever they stand, so ``"@"`` only documents them.

:func:`objects_at` walks the tree level by level and returns the objects
only: no path is built on the way (the hot path of every entity fetch).
:func:`located_at` walks the same way keeping each object's concrete path
(list indices included), for the rare callers that need it: errors reported
at the client's path, contextual values read from ancestors.
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


def objects_at(
    root: dict[str, Any], steps: tuple[str, ...], matches: TypeMatcher
) -> list[dict[str, Any]]:
    """Every object at ``steps`` below ``root``, in document order."""
    if not steps:
        return []
    level: list[dict[str, Any]] = [root]
    for name, is_condition in _compiled(steps):
        if is_condition:
            level = [obj for obj in level if matches(obj.get("__typename"), name)]
            continue
        below: list[dict[str, Any]] = []
        for obj in level:
            child = obj.get(name)
            if type(child) is dict:
                below.append(child)
            elif type(child) is list:
                _items(child, below)
        level = below
    return level


def _items(values: list[Any], into: list[dict[str, Any]]) -> None:
    for item in values:
        if type(item) is dict:
            into.append(item)
        elif type(item) is list:
            _items(item, into)


def located_at(root: dict[str, Any], steps: tuple[str, ...], matches: TypeMatcher) -> list[Located]:
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
            child = obj.get(name)
            if type(child) is dict:
                below.append(Located(child, (*path, name)))
            elif type(child) is list:
                _located_items(child, (*path, name), below)
        level = below
    return level


def _located_items(values: list[Any], path: ResponsePath, into: list[Located]) -> None:
    for index, item in enumerate(values):
        if type(item) is dict:
            into.append(Located(item, (*path, index)))
        elif type(item) is list:
            _located_items(item, (*path, index), into)


def deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge ``source`` into ``target``: objects field by field, lists item by item."""
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
            target[name] = _merged(existing, incoming)


def _merged(existing: Any, incoming: Any) -> Any:
    if isinstance(existing, dict) and isinstance(incoming, dict):
        deep_merge(existing, incoming)
        return existing
    if isinstance(existing, list) and isinstance(incoming, list) and len(existing) == len(incoming):
        existing[:] = [_merged(old, new) for old, new in zip(existing, incoming, strict=True)]
        return existing
    return incoming
