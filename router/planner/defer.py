"""``@defer`` in planning: which fragments are deferred, and their selections printed.

A ``@defer(if: $v)`` is planned both ways, as Apollo plans it: a Condition
node on ``$v`` with the deferred plan in ``Then`` and the plan with the
fragment inlined in ``Else``. :func:`defer_variables` lists those variables
and :func:`resolve_defers` gives the operation for one choice of their values:
fragments whose variable is false are merged back into their parent's
selections. :func:`print_selections` renders a normalised selection set for
the ``Primary``/``Deferred`` headers of the printed plan. Linear in the size
of the operation per choice; ``2^n`` choices for ``n`` variables, which is why their number is capped
(:func:`~router.planner.planner.plan`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from graphql import parse, print_ast

from router.operation import Deferred, Field, Fragment, Operation, Selection
from router.operation.merge import merge_selections


def defer_variables(operation: Operation) -> list[str]:
    """The variables of ``@defer(if: $v)`` in the operation, in document order."""
    found: list[str] = []
    for deferred in _all_deferred(operation.deferred, operation.selections):
        if deferred.condition is not None and deferred.condition not in found:
            found.append(deferred.condition)
    return found


def defers_always(operation: Operation) -> bool:
    """Some fragment is deferred whatever the variables (``@defer`` without ``if: $v``)."""
    return any(d.condition is None for d in _all_deferred(operation.deferred, operation.selections))


def all_deferred_selections(operation: Operation) -> Iterator[tuple[Selection, ...]]:
    """The selections of every deferred fragment, nested ones included."""
    for deferred in _all_deferred(operation.deferred, operation.selections):
        yield deferred.selections


def _all_deferred(
    deferred: tuple[Deferred, ...], selections: tuple[Selection, ...]
) -> Iterator[Deferred]:
    for one in deferred:
        yield one
        yield from _all_deferred(one.deferred, one.selections)
    for selection in selections:
        if isinstance(selection, Field):
            yield from _all_deferred(selection.deferred, selection.selections)
        else:
            yield from _all_deferred((), selection.selections)


def resolve_defers(operation: Operation, values: Mapping[str, bool]) -> Operation:
    """``operation`` with every ``@defer(if: $v)`` whose ``$v`` is false in ``values`` inlined."""
    if not values:
        return operation
    selections, deferred = _resolve(
        operation.selections, operation.deferred, operation.root_type, values
    )
    return replace(operation, selections=selections, deferred=deferred)


def _resolve(
    selections: tuple[Selection, ...],
    deferred: tuple[Deferred, ...],
    parent: str,
    values: Mapping[str, bool],
) -> tuple[tuple[Selection, ...], tuple[Deferred, ...]]:
    """``selections`` (on ``parent``) with the ``deferred`` fragments switched off inlined.

    A deferred fragment inside a fragment on a concrete type (under an abstract ``parent``)
    has that type for parent: inlined, its selections stay in a fragment on it."""
    kept: list[Deferred] = []
    inlined: list[Selection] = []
    pending = list(deferred)
    while pending:
        one = pending.pop(0)
        if one.condition is not None and not values.get(one.condition, True):
            inlined.extend(selections_on(parent, one))
            pending.extend(one.deferred)
            continue
        inner, nested = _resolve(one.selections, one.deferred, one.parent_type, values)
        kept.append(replace(one, selections=inner, deferred=nested))
    resolved: list[Selection] = []
    for selection in (*selections, *inlined):
        if isinstance(selection, Field):
            inner, nested = _resolve(
                selection.selections, selection.deferred, selection.type, values
            )
            resolved.append(replace(selection, selections=inner, deferred=nested))
        else:
            inner, _ = _resolve(selection.selections, (), selection.type_condition, values)
            resolved.append(Fragment(selection.type_condition, inner))
    merged = merge_selections(resolved) if inlined else tuple(resolved)
    return merged, tuple(kept)


def selections_on(parent: str, deferred: Deferred) -> tuple[Selection, ...]:
    """``deferred``'s selections placed on ``parent``: in a fragment on its own parent type
    where that is narrower (a fragment deferred inside a fragment on a concrete type)."""
    if deferred.parent_type == parent:
        return deferred.selections
    return (Fragment(deferred.parent_type, deferred.selections),)


def print_selections(selections: tuple[Selection, ...]) -> str:
    """A normalised selection set as indented GraphQL, deferred fragments left out."""
    return print_ast(parse("{" + _text(selections) + "}").definitions[0])


def _text(selections: tuple[Selection, ...]) -> str:
    parts: list[str] = []
    for selection in selections:
        if isinstance(selection, Fragment):
            parts.append(f"... on {selection.type_condition} {{{_text(selection.selections)}}}")
            continue
        text = f"{selection.alias}: {selection.name}" if selection.alias else selection.name
        if selection.arguments:
            text += "(" + ", ".join(f"{n}: {v}" for n, v in selection.arguments) + ")"
        for condition in selection.conditions:
            directive = "include" if condition.passes_when else "skip"
            text += f" @{directive}(if: ${condition.variable})"
        if selection.selections or selection.deferred:
            text += " {" + _text(selection.selections) + "}"
        parts.append(text)
    return " ".join(parts) or "__typename"
