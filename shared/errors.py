"""The one error model every Beyond service speaks.

    BeyondError                  a failure the client may see, with ``extensions.code``
    ├── BadUserInput             BAD_USER_INPUT, ``extensions.field`` names the input
    ├── Unauthenticated          UNAUTHENTICATED
    ├── Forbidden                FORBIDDEN
    ├── NotFound                 NOT_FOUND
    ├── Conflict                 CONFLICT, ``extensions.field`` when one input is at fault
    ├── RateLimited              RATE_LIMITED, ``extensions.retryAfter`` in seconds
    └── Unavailable              UNAVAILABLE, a service this one needs is down or slow;
                                 ``extensions.retryAfter`` in seconds
    (OVERLOADED: a service shed the request, see shared.resilience.errors)

Any other exception reaching a client is INTERNAL: its message is replaced by a
generic one carrying the request id, and the original is logged with that id
(see :mod:`shared.graphql`). graphql-core copies an original error's
``extensions`` onto the GraphQL error, so raising these from a resolver is all
a service does.

Messages never carry unbounded input: a value quoted back goes through
:func:`excerpt`, and any message is cut at ``MESSAGE_MAX`` characters.
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
    UNAVAILABLE = "UNAVAILABLE"
    OVERLOADED = "OVERLOADED"
    INTERNAL = "INTERNAL"


MESSAGE_MAX = 300
EXCERPT_MAX = 40


def excerpt(value: object, *, limit: int = EXCERPT_MAX) -> str:
    """``value`` quoted for an error message, cut to about ``limit`` characters."""
    text = repr(value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class BeyondError(Exception):
    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, **extensions: Any) -> None:
        if len(message) > MESSAGE_MAX:
            message = message[: MESSAGE_MAX - 1] + "…"
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


class Unavailable(BeyondError):
    code = ErrorCode.UNAVAILABLE

    def __init__(self, message: str, *, retry_after: int, **extensions: Any) -> None:
        super().__init__(message, retryAfter=max(1, retry_after), **extensions)
        self.retry_after = max(1, retry_after)
