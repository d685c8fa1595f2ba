"""The one error model every Beyond service speaks.

    BeyondError                  a failure the client may see, with ``extensions.code``
    ├── BadUserInput             BAD_USER_INPUT, ``extensions.field`` names the input;
    │                            when several are bad, ``extensions.fields`` lists each
    │                            ({field, message}) and ``field`` is the first
    ├── Unauthenticated          UNAUTHENTICATED, ``extensions.reason`` MISSING, INVALID or
    │                            EXPIRED (refresh the access token and retry)
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

T = TypeVar("T")


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

    @classmethod
    def every(cls, errors: list[BadUserInput]) -> BadUserInput:
        """One error naming every bad input: the first in ``field``, all in ``fields``."""
        first = errors[0]
        if len(errors) == 1:
            return first
        message = f"{len(errors)} inputs are not valid. " + " ".join(e.message for e in errors)
        combined = cls(message, field=first.extensions["field"])
        combined.extensions["fields"] = [
            {"field": e.extensions["field"], "message": e.message} for e in errors
        ]
        return combined


class InputChecks:
    """Checks run one after another, each failure noted (see :func:`every_bad_input`)."""

    def __init__(self) -> None:
        self.failures: list[BadUserInput] = []

    def __call__(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``check(*args, **kwargs)``; a failure's value is never read: the block raises."""
        try:
            return check(*args, **kwargs)
        except BadUserInput as failure:
            self.failures.append(failure)
            return cast(T, None)


@contextmanager
def every_bad_input() -> Iterator[InputChecks]:
    """Run every check in the block, then raise one :class:`BadUserInput` naming each bad input."""
    checks = InputChecks()
    yield checks
    if checks.failures:
        raise BadUserInput.every(checks.failures)


class AuthReason(enum.StrEnum):
    """Why a request is not authenticated, for a client deciding what to do next."""

    MISSING = "MISSING"  # no credentials: sign in
    INVALID = "INVALID"  # wrong or revoked credentials: sign in again
    EXPIRED = "EXPIRED"  # an expired access token: refresh it and retry


class Unauthenticated(BeyondError):
    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str, *, reason: AuthReason) -> None:
        super().__init__(message, reason=reason.value)


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
