"""The caller's deadline, carried across hops so no hop works for an answer nobody awaits.

The router sends each subgraph its remaining time in the ``Beyond-Deadline-Ms``
header (milliseconds, relative, so clocks need not agree); a service holds it
in a context variable for the request (:func:`deadline_scope`) and its gRPC
calls take ``min(own deadline, remaining)`` as their timeout; a gRPC server
reads its call's remaining time into the same variable, so the bound follows
the request across every hop.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "beyond-deadline-ms"

_deadline: ContextVar[float | None] = ContextVar("beyond_deadline", default=None)


def remaining() -> float | None:
    """Seconds left before the current request's deadline, or ``None`` without one."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def bounded(timeout: float) -> float:
    """``timeout``, shortened to the current request's remaining time (never below 1 ms)."""
    left = remaining()
    return timeout if left is None else max(0.001, min(timeout, left))


def parse_header(value: str | None) -> float | None:
    """Seconds from a ``Beyond-Deadline-Ms`` value; ``None`` when absent or malformed."""
    if not value:
        return None
    try:
        millis = int(value)
    except ValueError:
        return None
    return max(0, millis) / 1000


def header_value(seconds: float) -> str:
    return str(max(0, int(seconds * 1000)))


@contextmanager
def deadline_scope(seconds: float | None) -> Iterator[None]:
    """Within the block, the request must be answered within ``seconds`` (``None``: no change)."""
    if seconds is None:
        yield
        return
    deadline = time.monotonic() + seconds
    current = _deadline.get()
    token = _deadline.set(deadline if current is None else min(current, deadline))
    try:
        yield
    finally:
        _deadline.reset(token)
