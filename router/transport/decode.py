"""Turn a subgraph's HTTP answer into a :class:`SubgraphResponse`, shared by the HTTP and ASGI peers."""

from __future__ import annotations

from typing import Any

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
    if not isinstance(payload, dict) or not ("data" in payload or "errors" in payload):
        raise SubgraphHttpError(service_name, status, "response is not a GraphQL response")
    data = payload.get("data")
    errors = payload.get("errors") or []
    if not isinstance(data, dict):
        data = None
    if not isinstance(errors, list):
        errors = [{"message": "subgraph returned malformed errors"}]
    return SubgraphResponse(
        data=data,
        errors=tuple(e if isinstance(e, dict) else {"message": str(e)} for e in errors),
        headers=headers,
        status=status,
    )
