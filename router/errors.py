"""Every ``extensions.code`` the router itself puts on a GraphQL error, in one enum.

A leaf module: it imports nothing from the router, so every layer (transport,
execution, preparation, HTTP) names its codes from here. The values are
Apollo Router's and Apollo Gateway's codes where they have one, so clients
written for those routers read ours. Errors a subgraph returns keep the
subgraph's own code (``DOWNSTREAM_SERVICE_ERROR`` when it has none).

By where the request stops:

- Persisted operations, nothing executed: ``PERSISTED_QUERY_NOT_FOUND``
  (HTTP 200, the client resends with the text), ``PERSISTED_QUERY_NOT_SUPPORTED``,
  ``PERSISTED_QUERY_HASH_MISMATCH``, ``PERSISTED_QUERY_NOT_IN_LIST``,
  ``QUERY_NOT_IN_SAFELIST``.
- HTTP edge, nothing executed: ``BAD_REQUEST``, ``METHOD_NOT_ALLOWED``,
  ``NOT_ACCEPTABLE``, ``DEFER_BAD_HEADER``, ``PAYLOAD_TOO_LARGE``,
  ``UNSUPPORTED_MEDIA_TYPE``, ``UNAUTHENTICATED``.
- Preparation (parse, validate, plan), nothing executed:
  ``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED``,
  ``QUERY_PLANNING_FAILED``, ``OPERATION_TOO_COMPLEX`` (the planning budget
  ran out), ``TOO_MANY_DEFER_CONDITIONS`` (more ``@defer(if: $v)`` variables
  than the router plans); before validation, the operation limits
  (``MAX_TOKENS_LIMIT``, ``MAX_DEPTH_LIMIT``, ``MAX_HEIGHT_LIMIT``,
  ``MAX_ALIASES_LIMIT``, ``MAX_ROOT_FIELDS_LIMIT``, ``MAX_DIRECTIVES_LIMIT``,
  ``COST_ESTIMATED_TOO_EXPENSIVE``), ``INTROSPECTION_DISABLED`` and
  ``SENSITIVE_MUTATION_REFUSED``.
- Execution: ``BAD_USER_INPUT`` (variable values), ``UNAUTHORIZED_FIELD_OR_TYPE``,
  ``SUBREQUEST_HTTP_ERROR``, ``SUBGRAPH_UNAVAILABLE`` (a subgraph not reached;
  the reason only logged), ``SUBSCRIPTION_FAILED``, ``FORBIDDEN`` (a subgraph
  refused a subscription), ``DOWNSTREAM_SERVICE_ERROR``.
- Connections: ``TOO_MANY_OPERATIONS`` (one WebSocket's operation limit).
- Anything unexpected: ``INTERNAL`` (message masked, details logged).
"""

from __future__ import annotations

import enum
from typing import Any, cast

from graphql import GraphQLError


class ErrorCode(enum.StrEnum):
    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    DEFER_BAD_HEADER = "DEFER_BAD_HEADER"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    QUERY_PLANNING_FAILED = "QUERY_PLANNING_FAILED"
    OPERATION_TOO_COMPLEX = "OPERATION_TOO_COMPLEX"
    TOO_MANY_DEFER_CONDITIONS = "TOO_MANY_DEFER_CONDITIONS"
    MAX_TOKENS_LIMIT = "MAX_TOKENS_LIMIT"
    MAX_DEPTH_LIMIT = "MAX_DEPTH_LIMIT"
    MAX_HEIGHT_LIMIT = "MAX_HEIGHT_LIMIT"
    MAX_ALIASES_LIMIT = "MAX_ALIASES_LIMIT"
    MAX_ROOT_FIELDS_LIMIT = "MAX_ROOT_FIELDS_LIMIT"
    MAX_DIRECTIVES_LIMIT = "MAX_DIRECTIVES_LIMIT"
    COST_ESTIMATED_TOO_EXPENSIVE = "COST_ESTIMATED_TOO_EXPENSIVE"
    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
    QUERY_NOT_IN_SAFELIST = "QUERY_NOT_IN_SAFELIST"
    SENSITIVE_MUTATION_REFUSED = "SENSITIVE_MUTATION_REFUSED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHORIZED_FIELD_OR_TYPE = "UNAUTHORIZED_FIELD_OR_TYPE"
    SUBREQUEST_HTTP_ERROR = "SUBREQUEST_HTTP_ERROR"
    SUBGRAPH_UNAVAILABLE = "SUBGRAPH_UNAVAILABLE"
    SUBSCRIPTION_FAILED = "SUBSCRIPTION_FAILED"
    FORBIDDEN = "FORBIDDEN"
    DOWNSTREAM_SERVICE_ERROR = "DOWNSTREAM_SERVICE_ERROR"
    TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"
    INTERNAL = "INTERNAL"


def error(message: str, code: ErrorCode) -> dict[str, Any]:
    """A GraphQL error as the client receives it: ``message`` and ``extensions.code``."""
    return {"message": message, "extensions": {"code": code.value}}


def formatted_error(error: GraphQLError, code: ErrorCode | None = None) -> dict[str, Any]:
    """A graphql-core error as a plain response dict (message, locations, path, extensions).

    ``code`` becomes ``extensions.code`` unless the error carries its own.
    """
    formatted = cast("dict[str, Any]", error.formatted)
    extensions = formatted.get("extensions") or {}
    if code is None or extensions.get("code"):
        return formatted
    return {**formatted, "extensions": {**extensions, "code": code.value}}
