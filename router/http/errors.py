"""Why a GraphQL-over-HTTP request gets no execution, and with which status.

::

    RequestError                 answered with one GraphQL error and ``status``
    ├── BadRequest               400: malformed JSON, missing or non-string query,
    │                            bad variables/extensions parameter
    ├── MethodNotAllowed         405: a mutation over GET, or an unsupported method
    ├── NotAcceptable            406: no supported media type in ``Accept``
    │   └── DeferNotAccepted     406: an operation deferring fragments, and no
    │                            ``multipart/mixed`` in ``Accept``
    └── UnsupportedMediaType     415: a POST body that is not JSON

    OperationRejected            (:mod:`router.prepare.errors`) the operation is not
                                 prepared: 400 with graphql-response+json, 200 with
                                 application/json

    A body over ``limits.max_body_bytes`` (413) or too slow to arrive (408)
    is answered before the app runs, by :mod:`shared.body_limits`.

    SupergraphRejected           a supergraph file that cannot be served (the
                                 previous one stays in service)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from router.errors import ErrorCode, error


class RequestError(Exception):
    status = 400
    code = ErrorCode.BAD_REQUEST

    def __init__(self, message: str, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = dict(headers or {})

    def graphql_errors(self) -> list[dict[str, Any]]:
        return [error(self.message, self.code)]


class BadRequest(RequestError):
    pass


class MethodNotAllowed(RequestError):
    status = 405
    code = ErrorCode.METHOD_NOT_ALLOWED


class NotAcceptable(RequestError):
    status = 406
    code = ErrorCode.NOT_ACCEPTABLE


class DeferNotAccepted(NotAcceptable):
    """Apollo Router's answer to ``@defer`` without a multipart ``Accept``."""

    code = ErrorCode.DEFER_BAD_HEADER

    def __init__(self) -> None:
        super().__init__(
            "the router received a query with the @defer directive but the client does not "
            "accept multipart/mixed HTTP responses. To enable @defer support, add the HTTP "
            "header 'Accept: multipart/mixed;deferSpec=20220824'"
        )


class UnsupportedMediaType(RequestError):
    status = 415
    code = ErrorCode.UNSUPPORTED_MEDIA_TYPE


class SupergraphRejected(Exception):
    """The supergraph text cannot be served; the message says why."""
