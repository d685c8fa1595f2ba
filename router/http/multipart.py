"""Incremental delivery over HTTP: ``multipart/mixed`` parts, as Apollo Router sends them.

The response's content type is ``multipart/mixed;boundary="graphql";deferSpec=20220824``;
every payload is one part (``--graphql``, a ``content-type: application/json;
charset=utf-8`` header, a blank line, the JSON), and ``--graphql--`` ends the
body. The first payload is the initial answer; the others carry
``incremental`` items, the last with ``"hasNext": false``. Request errors are
answered before the stream starts, as ordinary JSON responses.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Iterable
from typing import Any

import orjson
from starlette.responses import StreamingResponse

from router.errors import ErrorCode, error

log = logging.getLogger("router.http")

CONTENT_TYPE = 'multipart/mixed;boundary="graphql";deferSpec=20220824'
_PART = b"\r\n--graphql\r\ncontent-type: application/json; charset=utf-8\r\n\r\n"
_END = b"\r\n--graphql--\r\n"
_INTERNAL = {
    "hasNext": False,
    "errors": [error("Internal server error", ErrorCode.INTERNAL)],
}


def multipart_response(
    first: dict[str, Any],
    rest: AsyncGenerator[dict[str, Any], None],
    headers: Iterable[tuple[str, str]],
) -> StreamingResponse:
    """Stream ``first`` (already computed, so errors before it are plain JSON) then ``rest``."""
    response = StreamingResponse(_body(first, rest), media_type=CONTENT_TYPE)
    for name, value in headers:
        response.headers.append(name, value)
    return response


async def _body(
    first: dict[str, Any], rest: AsyncGenerator[dict[str, Any], None]
) -> AsyncIterator[bytes]:
    yield _PART + orjson.dumps(first)
    try:
        async for payload in rest:
            yield _PART + orjson.dumps(payload)
    except Exception:  # the response has started: the error goes in it, masked
        log.exception("incremental delivery failed")
        yield _PART + orjson.dumps(_INTERNAL)
    finally:
        await rest.aclose()
    yield _END
