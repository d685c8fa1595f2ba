"""The errors resilience raises; both are UNAVAILABLE-family answers a client can wait out.

Unavailable (shared.errors)  UNAVAILABLE, ``extensions.retryAfter``
├── BreakerOpen             a breaker dropped the call before it was sent
Overloaded                  OVERLOADED: this service shed the request, ``retryAfter``
"""

from __future__ import annotations

from shared.errors import BeyondError, ErrorCode, Unavailable


class BreakerOpen(Unavailable):
    def __init__(self, name: str) -> None:
        super().__init__(
            f"The {name} service is failing; calls to it are paused. Try again shortly.",
            retry_after=1,
            service=name,
        )


class Overloaded(BeyondError):
    code = ErrorCode.OVERLOADED

    def __init__(self, name: str, *, message: str | None = None) -> None:
        super().__init__(
            message or f"The {name} service is over capacity. Try again shortly.", retryAfter=1
        )
