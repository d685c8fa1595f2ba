"""Normalisation pass: read ``@skip``/``@include`` (and ``@defer``) on one selection.

Literal arguments decide at once; a variable argument becomes a
:class:`Condition` kept on the selection for the planner (for ``@defer``, the
variable that decides whether the fragment is deferred).
"""

from __future__ import annotations

from graphql import BooleanValueNode, DirectiveNode, StringValueNode, VariableNode

from router.operation.model import Condition

SKIPPED = None


def read_conditions(directives: tuple[DirectiveNode, ...] | None) -> tuple[Condition, ...] | None:
    """The variable conditions of a selection, or ``None`` when it is always skipped."""
    found: list[Condition] = []
    for directive in directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        passes_when = name == "include"
        for argument in directive.arguments or ():
            if argument.name.value != "if":
                continue
            value = argument.value
            if isinstance(value, BooleanValueNode):
                if value.value != passes_when:
                    return SKIPPED
            elif isinstance(value, VariableNode):
                condition = Condition(value.name.value, passes_when)
                if condition not in found:
                    found.append(condition)
    return tuple(found)


def read_defer(
    directives: tuple[DirectiveNode, ...] | None,
) -> tuple[str | None, str | None] | None:
    """``(label, if-variable)`` of a fragment's ``@defer``; ``None`` when it is not deferred.

    ``if: false`` means no deferral; ``if: $v`` defers only when ``$v`` is true,
    which the planner decides with a Condition node.
    """
    for directive in directives or ():
        if directive.name.value != "defer":
            continue
        label: str | None = None
        variable: str | None = None
        for argument in directive.arguments or ():
            value = argument.value
            if argument.name.value == "label" and isinstance(value, StringValueNode):
                label = value.value
            elif argument.name.value == "if":
                if isinstance(value, BooleanValueNode) and not value.value:
                    return None
                if isinstance(value, VariableNode):
                    variable = value.name.value
        return label, variable
    return None
