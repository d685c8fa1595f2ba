"""How failures cross a gRPC call: BeyondError → status on the server, status → BeyondError on the client.

A servicer raising a :class:`~shared.errors.BeyondError` answers with the
status below and the error's extensions as JSON in the ``beyond-error``
trailer; the client rebuilds the same error class from it. Any other failed
call becomes :class:`RemoteCallFailed` (or ``NotFound`` for a bare
NOT_FOUND), whose message says which service failed and how, without the
server's details. A service that is down or does not answer in time is an
outage the caller can wait out: :class:`ServiceUnavailable` (UNAVAILABLE with
``extensions.retryAfter``), not INTERNAL.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import grpc

from shared.errors import (
    BadUserInput,
    BeyondError,
    Conflict,
    ErrorCode,
    Forbidden,
    NotFound,
    RateLimited,
    Unauthenticated,
    Unavailable,
)
from shared.resilience.errors import Overloaded

log = logging.getLogger(__name__)

ERROR_TRAILER = "beyond-error"

STATUS_OF_CODE: dict[ErrorCode, grpc.StatusCode] = {
    ErrorCode.BAD_USER_INPUT: grpc.StatusCode.INVALID_ARGUMENT,
    ErrorCode.UNAUTHENTICATED: grpc.StatusCode.UNAUTHENTICATED,
    ErrorCode.FORBIDDEN: grpc.StatusCode.PERMISSION_DENIED,
    ErrorCode.NOT_FOUND: grpc.StatusCode.NOT_FOUND,
    ErrorCode.CONFLICT: grpc.StatusCode.ALREADY_EXISTS,
    ErrorCode.RATE_LIMITED: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorCode.UNAVAILABLE: grpc.StatusCode.UNAVAILABLE,
    ErrorCode.OVERLOADED: grpc.StatusCode.RESOURCE_EXHAUSTED,
    ErrorCode.INTERNAL: grpc.StatusCode.INTERNAL,
}


class RemoteCallFailed(BeyondError):
    """Another service did not answer, or failed: INTERNAL, with a message a person can read.

    ``extensions.service`` names the service and ``extensions.status`` the gRPC
    status. It is a :class:`BeyondError`, so the GraphQL layer shows its
    message instead of masking it.
    """

    def __init__(self, message: str, *, service: str, status: grpc.StatusCode) -> None:
        super().__init__(message, service=service, status=status.name)
        self.service = service
        self.status = status


class ServiceUnavailable(Unavailable):
    """Another service is down or did not answer in time: UNAVAILABLE, retry after a moment.

    Extensions as :class:`RemoteCallFailed`, plus ``retryAfter`` in seconds.
    """

    RETRY_AFTER = 1

    def __init__(self, message: str, *, service: str, status: grpc.StatusCode) -> None:
        super().__init__(message, retry_after=self.RETRY_AFTER, service=service, status=status.name)
        self.service = service
        self.status = status


def status_of(error: BeyondError) -> tuple[grpc.StatusCode, str, tuple[tuple[str, str], ...]]:
    """``(status, details, trailing metadata)`` for ``context.abort``."""
    return (
        STATUS_OF_CODE[error.code],
        error.message,
        ((ERROR_TRAILER, json.dumps(error.extensions)),),
    )


def _rebuild(message: str, extensions: dict[str, Any]) -> BeyondError:
    code = extensions.pop("code", ErrorCode.INTERNAL.value)
    if code == ErrorCode.BAD_USER_INPUT:
        return BadUserInput(message, field=str(extensions.get("field", "input")))
    if code == ErrorCode.RATE_LIMITED:
        return RateLimited(message, retry_after=int(extensions.get("retryAfter", 1)))
    if code == ErrorCode.OVERLOADED:
        return Overloaded(str(extensions.get("service", "")), message=message)
    if code == ErrorCode.UNAVAILABLE:
        retry_after = int(extensions.pop("retryAfter", 1))
        return Unavailable(message, retry_after=retry_after, **extensions)
    if code == ErrorCode.CONFLICT:
        return Conflict(message, field=extensions.get("field"))
    simple: dict[str, type[BeyondError]] = {
        ErrorCode.UNAUTHENTICATED: Unauthenticated,
        ErrorCode.FORBIDDEN: Forbidden,
        ErrorCode.NOT_FOUND: NotFound,
    }
    return simple.get(code, BeyondError)(message, **extensions)


def _trailer(error: grpc.aio.AioRpcError) -> dict[str, Any] | None:
    for key, value in error.trailing_metadata() or ():
        if key == ERROR_TRAILER:
            try:
                extensions = json.loads(value)
            except ValueError:
                return None
            return extensions if isinstance(extensions, dict) else None
    return None


def is_overloaded(error: grpc.aio.AioRpcError) -> bool:
    """Whether the server shed the call (OVERLOADED) before doing any of it."""
    extensions = _trailer(error)
    return extensions is not None and extensions.get("code") == ErrorCode.OVERLOADED


def error_of(error: grpc.aio.AioRpcError, *, service: str, timeout: float | None) -> BeyondError:
    """The error a caller of ``service`` raises for the failed call ``error``."""
    status = error.code()
    extensions = _trailer(error)
    if extensions is not None:
        return _rebuild(error.details() or "", extensions)
    log.warning("call to %s failed: %s %s", service, status.name, error.details())
    if status == grpc.StatusCode.NOT_FOUND:
        return NotFound(error.details() or f"Not found by the {service} service.")
    if status == grpc.StatusCode.DEADLINE_EXCEEDED:
        within = f" within {timeout:g} s" if timeout is not None else " in time"
        message = f"The {service} service did not answer{within}. Try again."
        return ServiceUnavailable(message, service=service, status=status)
    if status in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED):
        message = f"The {service} service is unavailable. Try again shortly."
        return ServiceUnavailable(message, service=service, status=status)
    message = f"The {service} service could not handle the request ({status.name})."
    return RemoteCallFailed(message, service=service, status=status)
