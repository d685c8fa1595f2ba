"""The one error model every Beyond service speaks.

    BeyondError                  a failure the client may see, with ``extensions.code``
    ├── BadUserInput             BAD_USER_INPUT, ``extensions.field`` names the input
    ├── Unauthenticated          UNAUTHENTICATED
    ├── Forbidden                FORBIDDEN
    ├── NotFound                 NOT_FOUND
    ├── Conflict                 CONFLICT, ``extensions.field`` when one input is at fault
    └── RateLimited              RATE_LIMITED, ``extensions.retryAfter`` in seconds

Any other exception reaching a client is INTERNAL: its message is replaced by a
generic one carrying the request id, and the original is logged with that id
(see :mod:`shared.graphql`). graphql-core copies an original error's
``extensions`` onto the GraphQL error, so raising these from a resolver is all
a service does.
"""

from __future__ import annotations

import enum
from typing import Any


class ErrorCode(enum.StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    INTERNAL = "INTERNAL"


class BeyondError(Exception):
    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": self.code.value, **extensions}


class BadUserInput(BeyondError):
    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message, field=field)


class Unauthenticated(BeyondError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(BeyondError):
    code = ErrorCode.FORBIDDEN


class NotFound(BeyondError):
    code = ErrorCode.NOT_FOUND


class Conflict(BeyondError):
    code = ErrorCode.CONFLICT

    def __init__(self, message: str, *, field: str | None = None) -> None:
        if field is None:
            super().__init__(message)
        else:
            super().__init__(message, field=field)


class RateLimited(BeyondError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, retryAfter=max(1, retry_after))
        self.retry_after = max(1, retry_after)
