"""Where branches of an operation ask one response path differently.

Objects of different types can land at one response path (the items of a
list of a union, say), each branch of the operation asking its own fields of
them under its own type condition. Entity fetches at that path are shared
by every branch's objects: fine while the branches ask the same things there,
wrong when they answer one response name with different fields or arguments
(``... on Product { reviews(minStars: 3) { product { name } } }`` next to
``... on User { reviews { product { name(upper: true) } } }``: one fetch at
``search.@.reviews.@.product`` would answer both branches' ``name`` alike).
At such a path, and at the paths above it (a fetch there may bring the
clashing fields in its own selection), the planner keys entity fetches by the path with its type
conditions (``search.@|[User].reviews.@.product``), as Apollo Router's
``experimental_type_conditioned_fetching`` does: one fetch per branch, each
for its own objects.
"""

from __future__ import annotations

from router.operation import Deferred, Fragment, Selection

# (path, response name) -> the (field name, arguments) answering it there.
_Asked = dict[tuple[tuple[str, ...], str], set[tuple[str, tuple[tuple[str, str], ...]]]]


def divergent_paths(
    selections: tuple[Selection, ...], deferred: tuple[Deferred, ...] = ()
) -> frozenset[tuple[str, ...]]:
    """Response paths (response names, lists not marked) at or above which one response
    name is answered by different fields or arguments (necessarily under different type
    conditions: anything else is invalid)."""
    asked: _Asked = {}
    _walk(selections, (), asked)
    _deferred(deferred, (), asked)
    clashing = {path for (path, _), signatures in asked.items() if len(signatures) > 1}
    # A fetch higher up may bring the clashing fields in its own selection: split it too.
    return frozenset(path[:end] for path in clashing for end in range(1, len(path) + 1))


def _walk(
    selections: tuple[Selection, ...],
    path: tuple[str, ...],
    asked: _Asked,
) -> None:
    for selection in selections:
        if isinstance(selection, Fragment):
            _walk(selection.selections, path, asked)
            continue
        asked.setdefault((path, selection.response_name), set()).add(
            (selection.name, selection.arguments)
        )
        below = (*path, selection.response_name)
        _walk(selection.selections, below, asked)
        _deferred(selection.deferred, below, asked)


def _deferred(
    deferred: tuple[Deferred, ...],
    path: tuple[str, ...],
    asked: _Asked,
) -> None:
    for part in deferred:
        _walk(part.selections, path, asked)
        _deferred(part.deferred, path, asked)


def unmarked(path: tuple[str, ...]) -> tuple[str, ...]:
    """A place's path without its list steps, as :func:`divergent_paths` names paths."""
    return tuple(step for step in path if step != "@")
