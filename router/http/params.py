"""Read GraphQL request parameters from a GET query string, a JSON POST body or a message payload."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.datastructures import QueryParams

from router.http.errors import BadRequest, MethodNotAllowed, UnsupportedMediaType
from shared.direct_http import HttpRequest

_MEMBER_NAMES = (b'"query"', b'"operationName"', b'"variables"', b'"extensions"')


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    operation_name: str | None
    variables: Mapping[str, Any] | None
    extensions: Mapping[str, Any] | None


def read_params(request: HttpRequest, content_type: str) -> GraphQLParams:
    """The body has already been read within its size and time limits (:mod:`shared.body_limits`)."""
    if request.method == "GET":
        return _from_query_string(request.query_string)
    if request.method != "POST":
        raise MethodNotAllowed(
            f"{request.method} is not supported; use POST (or GET for queries)",
            headers={"Allow": "GET, POST"},
        )
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in ("application/json", "application/graphql-response+json"):
        raise UnsupportedMediaType(
            f"POST bodies must be application/json, not {media_type or 'unspecified'!r}"
        )
    body = request.body
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise BadRequest("The request body must be a JSON object with a 'query' string")
    _refuse_repeated_members(body)
    return params_from(payload)


def _refuse_repeated_members(body: bytes) -> None:
    """A body naming a request member twice is refused rather than read as the last one.

    Only a body where a member's name occurs twice, or that escapes characters
    in names (``\\u0071uery``), is decoded a second time to look.
    """
    # find, not in: bytes' `in` first tries its operand as an int and fails (CPython 3.11)
    if body.find(b"\\u") < 0 and all(body.count(name) <= 1 for name in _MEMBER_NAMES):
        return
    top_level: list[list[tuple[str, Any]]] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        top_level[:] = [items]  # objects close inner first: the last one is the body itself
        return dict(items)

    try:
        json.loads(body, object_pairs_hook=pairs)
    except RecursionError:
        raise BadRequest("The request body nests too deeply") from None
    counts = Counter(name for name, _ in top_level[0])
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise BadRequest(
            f"The request body names {', '.join(map(repr, repeated))} more than once: "
            "send each member once"
        )


def _from_query_string(query_string: bytes) -> GraphQLParams:
    raw = QueryParams(query_string)
    repeated = sorted({name for name in raw if len(raw.getlist(name)) > 1})
    if repeated:
        raise BadRequest(
            f"The query string names {', '.join(map(repr, repeated))} more than once: "
            "send each parameter once"
        )
    payload: dict[str, Any] = {"query": raw.get("query")}
    if "operationName" in raw:
        payload["operationName"] = raw["operationName"] or None
    for name in ("variables", "extensions"):
        text = raw.get(name)
        if text:
            try:
                payload[name] = orjson.loads(text)
            except orjson.JSONDecodeError:
                raise BadRequest(f"The '{name}' parameter is not valid JSON") from None
    return params_from(payload)


def params_from(payload: Mapping[str, Any]) -> GraphQLParams:
    """The parameters of one request object (a POST body, a WebSocket subscribe payload).

    ``query`` is ``""`` for a persisted query sent by its hash alone
    (``extensions.persistedQuery``), which :mod:`router.persisted` resolves.
    """
    query = payload.get("query")
    extensions = payload.get("extensions")
    by_hash = isinstance(extensions, dict) and "persistedQuery" in extensions
    if (query is None or query == "") and by_hash:
        query = ""
    elif query is None or query == "":
        raise BadRequest("The request has no 'query': send the GraphQL document as a string")
    if not isinstance(query, str):
        raise BadRequest("'query' must be a string holding a GraphQL document")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise BadRequest("'operationName' must be a string or null")
    variables = payload.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("'variables' must be a JSON object or null")
    if extensions is not None and not isinstance(extensions, dict):
        raise BadRequest("'extensions' must be a JSON object or null")
    return GraphQLParams(query, operation_name, variables, extensions)
