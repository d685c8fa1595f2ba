"""The per-request response tree: finding the objects a Flatten path names, and merging into them.

A path step is a response name, ``"@"`` (every item of a list) or
``"... on T"`` (only objects whose ``__typename`` is ``T`` or implements it).
Walking keeps, for every object found, its concrete path (list indices
included), so an entity fetch can report errors at the client's path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

ResponsePath = tuple[str | int, ...]
TypeMatcher = Callable[[str | None, str], bool]
"""``matches(typename, condition)``: is an object of ``typename`` selected by ``... on condition``."""

_FRAGMENT = "... on "


class Located(NamedTuple):
    """An object of the tree and its client path.

    A named tuple: one is built per object per entity fetch, several times faster
    than a frozen dataclass.
    """

    obj: dict[str, Any]
    path: ResponsePath


def objects_at(root: dict[str, Any], steps: tuple[str, ...], matches: TypeMatcher) -> list[Located]:
    """Every object at ``steps`` below ``root``, in document order."""
    found: list[Located] = []
    if steps:
        _walk(root, (), steps, matches, found)
    return found


def _walk(
    value: Any,
    path: ResponsePath,
    steps: tuple[str, ...],
    matches: TypeMatcher,
    found: list[Located],
) -> None:
    # Appends to one list rather than yielding: nested generators cost a frame switch per
    # level for every object found, and these paths are deep (profiled under load).
    if value is None:
        return
    if isinstance(value, list):
        # "@" is optional before a list: a path written without it still reaches the items.
        rest = steps[1:] if steps and steps[0] == "@" else steps
        for index, item in enumerate(value):
            if item is not None:
                _walk(item, (*path, index), rest, matches, found)
        return
    if not isinstance(value, dict):
        return
    if not steps:
        found.append(Located(value, path))
        return
    step, rest = steps[0], steps[1:]
    if step == "@":
        _walk(value, path, rest, matches, found)
    elif step.startswith(_FRAGMENT):
        if matches(value.get("__typename"), step[len(_FRAGMENT) :].strip()):
            _walk(value, path, rest, matches, found)
    else:
        child = value.get(step)
        if child is not None:
            _walk(child, (*path, step), rest, matches, found)


def deep_merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Merge ``source`` into ``target``: objects field by field, lists item by item."""
    for name, incoming in source.items():
        target[name] = _merged(target.get(name), incoming)


def _merged(existing: Any, incoming: Any) -> Any:
    if isinstance(existing, dict) and isinstance(incoming, dict):
        deep_merge(existing, incoming)
        return existing
    if isinstance(existing, list) and isinstance(incoming, list) and len(existing) == len(incoming):
        existing[:] = [_merged(old, new) for old, new in zip(existing, incoming, strict=True)]
        return existing
    return incoming
