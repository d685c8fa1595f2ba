"""Subgraph errors as the client sees them: at the client's path, passed through or masked.

In ``pass`` mode a subgraph error keeps its message and ``extensions`` and
gains ``extensions.serviceName``; in ``mask`` mode the client gets a generic
message (path and service kept, so partial data still makes sense) and the
original is logged. Either way the error carries a ``code``: the subgraph's
own, or ``DOWNSTREAM_SERVICE_ERROR`` when it gave none, as Apollo Gateway
does, so a client can always tell a subgraph's error from the router's. A
subgraph that cannot be reached (refused, reset, timed out, not answering
GraphQL) is ``SUBGRAPH_UNAVAILABLE`` with a fixed message in both modes.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from router.errors import ErrorCode
from router.execution.tree import ResponsePath

log = logging.getLogger("router.execution")

MASKED_MESSAGE = "Subgraph errors redacted"


class ErrorMode(enum.Enum):
    PASS = "pass"
    MASK = "mask"


@dataclass(frozen=True, slots=True)
class SubgraphErrorPolicy:
    modes: Mapping[str, ErrorMode] = field(default_factory=dict)
    default: ErrorMode = ErrorMode.PASS

    def mode_for(self, service_name: str) -> ErrorMode:
        return self.modes.get(service_name, self.default)


def client_error(
    error: Mapping[str, Any],
    service_name: str,
    path: ResponsePath | None,
    policy: SubgraphErrorPolicy,
) -> dict[str, Any]:
    """One subgraph error, re-homed at ``path`` (``None``: no path) under the policy."""
    extensions = error.get("extensions")
    merged = dict(extensions) if isinstance(extensions, Mapping) else {}
    code = merged.get("code") or ErrorCode.DOWNSTREAM_SERVICE_ERROR.value
    out: dict[str, Any]
    if policy.mode_for(service_name) is ErrorMode.MASK:
        log.warning("masked error from subgraph %s: %r", service_name, dict(error))
        out = {"message": MASKED_MESSAGE}
        if path is not None:
            out["path"] = list(path)
        out["extensions"] = {"code": code, "serviceName": service_name}
        return out
    message = error.get("message")
    out = {
        "message": str(message)
        if message
        else f'Error while fetching subquery from service "{service_name}"'
    }
    # Subgraph ``locations`` point into the subgraph operation, not the client's: dropped.
    if path is not None:
        out["path"] = list(path)
    out["extensions"] = {**merged, "code": code, "serviceName": service_name}
    return out


def fetch_failed_error(
    service_name: str, reason: str, path: ResponsePath | None, policy: SubgraphErrorPolicy
) -> dict[str, Any]:
    """The whole request to a subgraph failed (timeout, connection, non-GraphQL answer)."""
    message = f"HTTP fetch failed from '{service_name}'"
    return _failure(message, ErrorCode.SUBREQUEST_HTTP_ERROR, service_name, reason, path, policy)


def unavailable_error(
    service_name: str, reason: str, path: ResponsePath | None, request_id: str | None
) -> dict[str, Any]:
    """The subgraph could not be reached or gave no GraphQL answer: never the reason, whatever the policy.

    Connection errors name hosts, ports and errno values that are nobody's
    business outside; the reason is logged with the request id instead.
    """
    log.warning("request %s: subgraph %s unavailable: %s", request_id, service_name, reason)
    out: dict[str, Any] = {
        "message": f"The {service_name} service is unavailable right now: try again shortly."
    }
    if path is not None:
        out["path"] = list(path)
    out["extensions"] = {"code": ErrorCode.SUBGRAPH_UNAVAILABLE.value, "serviceName": service_name}
    return out


def subscription_failed_error(
    service_name: str, reason: str, request_id: str | None
) -> dict[str, Any]:
    """A subscription at a subgraph could not be opened, or its connection was lost.

    As for :func:`unavailable_error`, the reason is logged, never sent.
    """
    log.warning("request %s: subscription at %s failed: %s", request_id, service_name, reason)
    return {
        "message": f"Subscription at '{service_name}' failed: try again shortly.",
        "extensions": {"code": ErrorCode.SUBSCRIPTION_FAILED.value, "serviceName": service_name},
    }


def request_id(headers: Iterable[tuple[str, str]]) -> str | None:
    """The request id the router gave the request, from the headers it forwards."""
    return next((value for name, value in headers if name.lower() == "x-request-id"), None)


def _failure(
    message: str,
    code: ErrorCode,
    service_name: str,
    reason: str,
    path: ResponsePath | None,
    policy: SubgraphErrorPolicy,
) -> dict[str, Any]:
    """``message``, with the ``reason`` unless masked (it is always logged)."""
    log.warning("%s: %s", message, reason)
    if policy.mode_for(service_name) is not ErrorMode.MASK:
        message = f"{message}: {reason}"
    out: dict[str, Any] = {"message": message}
    if path is not None:
        out["path"] = list(path)
    out["extensions"] = {"code": code.value, "serviceName": service_name}
    return out


def entity_error_paths(
    error: Mapping[str, Any], object_paths: list[list[ResponsePath]]
) -> list[ResponsePath | None]:
    """Where an ``_entities`` error lands: ``["_entities", i, *rest]`` → each object of representation ``i``."""
    path = error.get("path")
    if not isinstance(path, list) or not path or path[0] != "_entities":
        return [None]
    if len(path) == 1:
        return [p for paths in object_paths for p in paths] or [None]
    index = path[1]
    if not isinstance(index, int) or not 0 <= index < len(object_paths):
        return [None]
    rest = tuple(path[2:])
    return [(*p, *rest) for p in object_paths[index]] or [None]


def root_error_path(error: Mapping[str, Any]) -> ResponsePath | None:
    """A root fetch keeps the client's response names, so its paths are already client paths."""
    path = error.get("path")
    if isinstance(path, list) and all(isinstance(step, str | int) for step in path):
        return tuple(path)
    return None
