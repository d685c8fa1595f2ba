"""What the executor takes and gives back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLSchema

from router.errors import ErrorCode
from router.transport.types import Headers


@dataclass(frozen=True, slots=True)
class ExecutionRequest:
    """A validated client operation, ready to run.

    ``schema`` is the client API schema; ``document`` the client's own
    document (not the planner's normalized form), because the response is
    shaped from what the client wrote. ``headers`` are the headers to forward
    to every subgraph, already filtered by the propagation rules.
    ``unauthorized`` are the response paths authorization removed from the
    plan (``"@"`` for any list position): each gets an error, and the nulls
    they leave get no second one. ``unauthorized_fragments`` are those of
    them that removed a fragment, with its type condition (other errors under
    that path are kept). ``refused_fragments`` are the offsets in
    ``document`` of the fragments removed as the client wrote them: shaping
    leaves them out, and a field selected only in them answers ``null``
    (already reported) whatever the plan fetched. ``expanded_fragments`` are
    the removals of fragments the client did not write as such (one on an
    abstract type expanded per concrete type, with the removed type): shaping
    walks the client's fragment, so every null in the objects of that type at
    that path is the removal's.
    """

    schema: GraphQLSchema
    document: DocumentNode
    operation_name: str | None = None
    variables: Mapping[str, Any] | None = None
    headers: Headers = ()
    unauthorized: tuple[tuple[str, ...], ...] = ()
    unauthorized_fragments: tuple[tuple[tuple[str, ...], str], ...] = ()
    refused_fragments: frozenset[int] = frozenset()
    expanded_fragments: tuple[tuple[tuple[str, ...], str], ...] = ()


@dataclass(frozen=True, slots=True)
class ExecutionResult:
    """``data_present`` is false for request errors (bad variables): the response has no ``data``."""

    data: dict[str, Any] | None
    errors: tuple[dict[str, Any], ...] = ()
    data_present: bool = True
    subgraph_headers: tuple[Headers, ...] = field(default=())

    def formatted(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.errors:
            out["errors"] = list(self.errors)
        if self.data_present:
            out["data"] = self.data
        return out


def unauthorized_error(path: tuple[str, ...]) -> dict[str, Any]:
    """Apollo Router's error for a field or fragment removed by authorization."""
    return {
        "message": "Unauthorized field or type",
        "path": list(path),
        "extensions": {"code": ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE.value},
    }
