"""Normalisation pass: read ``@skip``/``@include`` on one selection.

Literal arguments decide at once; a variable argument becomes a
:class:`Condition` kept on the selection for the planner.
"""

from __future__ import annotations

from graphql import BooleanValueNode, DirectiveNode, VariableNode

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
