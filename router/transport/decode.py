"""Turn a subgraph's answer into a :class:`SubgraphResponse`, shared by the HTTP, ASGI and WebSocket peers."""

from __future__ import annotations

from typing import Any, TypeGuard

import orjson

from router.transport.errors import SubgraphHttpError
from router.transport.types import Headers, SubgraphResponse


def decode_response(
    service_name: str, status: int, body: bytes, headers: Headers
) -> SubgraphResponse:
    """Accept any status whose body is a GraphQL response (graphql-response+json uses 4xx)."""
    try:
        payload: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise SubgraphHttpError(service_name, status, "response is not JSON") from None
    if not is_graphql_response(payload):
        raise SubgraphHttpError(service_name, status, "response is not a GraphQL response")
    return graphql_response(payload, headers, status)


def is_graphql_response(payload: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(payload, dict) and ("data" in payload or "errors" in payload)


def graphql_response(
    payload: dict[str, Any], headers: Headers = (), status: int = 200
) -> SubgraphResponse:
    """A decoded GraphQL response object; malformed ``data`` or ``errors`` are made safe."""
    data = payload.get("data")
    errors = payload.get("errors") or []
    if not isinstance(data, dict):
        data = None
    if not isinstance(errors, list):
        errors = [{"message": "subgraph returned malformed errors"}]
    extensions = payload.get("extensions")
    return SubgraphResponse(
        data=data,
        errors=tuple(e if isinstance(e, dict) else {"message": str(e)} for e in errors),
        headers=headers,
        status=status,
        extensions=extensions if isinstance(extensions, dict) else None,
    )
