"""``Prepared``: a client operation ready to execute, as the preparation stage leaves it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, OperationType

from router.plan import QueryPlan


@dataclass(frozen=True, slots=True)
class Deferral:
    """What an operation defers: always (a ``@defer`` without ``if:``), or on variables.

    ``conditions`` maps each ``@defer(if: $v)`` variable to the value it takes
    when a request leaves it out (its default in the operation, else false).
    """

    always: bool = False
    conditions: Mapping[str, bool] = field(default_factory=dict)

    def active(self, variables: Mapping[str, Any] | None) -> bool:
        """Does a request with these variables get some fragment later (in parts)?"""
        if self.always:
            return True
        given = variables or {}
        return any(bool(given.get(name, default)) for name, default in self.conditions.items())


NO_DEFERRAL = Deferral()


@dataclass(frozen=True, slots=True)
class Prepared:
    """A validated client operation and its plan; the document is the client's own.

    ``operation_name`` is the name of the operation chosen in the document
    (``None`` for an anonymous one); ``unauthorized`` the response paths of
    what authorization removed before planning (``"@"`` for any list
    position), ``unauthorized_fragments`` those of removed fragments with
    their type condition, ``refused_fragments`` the offsets in the
    document of the fragments removed as written (shaping leaves them out),
    ``expanded_fragments`` the removed fragments the client did not write as
    such (see :class:`~router.execution.ExecutionRequest`);
    ``deferral`` what the operation defers; ``policies`` the
    ``@policy`` policies its selections name, satisfied or not (the request's
    policy evaluator is asked about them).
    """

    document: DocumentNode
    operation_type: OperationType
    plan: QueryPlan
    unauthorized: tuple[tuple[str, ...], ...] = ()
    unauthorized_fragments: tuple[tuple[tuple[str, ...], str], ...] = ()
    refused_fragments: frozenset[int] = frozenset()
    expanded_fragments: tuple[tuple[tuple[str, ...], str], ...] = ()
    operation_name: str | None = None
    deferral: Deferral = NO_DEFERRAL
    policies: frozenset[str] = frozenset()
