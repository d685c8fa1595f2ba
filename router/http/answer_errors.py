"""Errors of an answer as a client should read them: one per cause.

A token that every subgraph refuses (expired, say) is one problem, not one
per subgraph asked: ``UNAUTHENTICATED`` errors with the same message and
``reason`` are kept once, at the first one's path.
"""

from __future__ import annotations

from typing import Any


def one_per_cause(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, Any]] = set()
    kept: list[dict[str, Any]] = []
    for error in errors:
        extensions = error.get("extensions") or {}
        if extensions.get("code") == "UNAUTHENTICATED":
            cause = (error.get("message"), extensions.get("reason"))
            if cause in seen:
                continue
            seen.add(cause)
        kept.append(error)
    return kept
