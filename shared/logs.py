"""Logging for every Beyond process: one line per expected error, JSON outside ``beyond dev``.

- :func:`configure_logging` sets up the root logger: human lines in
  ``beyond dev``, one JSON object per line otherwise (``timestamp``,
  ``level``, ``service``, ``logger``, ``message``, and ``request_id``,
  ``trace_id``, ``user_id`` when the request has them; ``exception`` with
  the traceback for internal errors).
- :data:`REQUEST_ID`, :data:`TRACE_ID` and :data:`USER_ID` are set per
  request (by the router's edge and each subgraph's request context) and
  read by the JSON formatter.
- :class:`OneLineGraphQLErrors` replaces Strawberry's record of every
  GraphQL error (a traceback plus the operation's text, secrets and all) by
  one line with the code, path and message for expected errors, and drops
  it for internal ones, which :class:`shared.graphql.errors.MaskInternalErrors`
  logs with their traceback and request id.
- :func:`redact` hides values that look like secrets in a text before it is logged.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from contextvars import ContextVar
from typing import Any

from graphql import GraphQLError

REQUEST_ID: ContextVar[str | None] = ContextVar("beyond_request_id", default=None)
TRACE_ID: ContextVar[str | None] = ContextVar("beyond_trace_id", default=None)
USER_ID: ContextVar[str | None] = ContextVar("beyond_user_id", default=None)

HUMAN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries whose INFO lines say nothing a person running the graph needs.
QUIET_LIBRARIES = ("alembic", "httpx")
_SECRET_NAMES = r"[\w-]*(?:password|passwd|secret|token|code|otp|authorization)[\w-]*"
# name: value, name=value, "name": "value"
_SECRET_VALUE = re.compile(
    rf"""(?ix)
    (?P<name>["']?{_SECRET_NAMES}["']?\s*[:=]\s*)
    (?P<value>"[^"]*"|'[^']*'|bearer\s+\S+|[^\s,;)}}]+)
    """
)
_GOT_INVALID_VALUE = re.compile(r"(?i)(got invalid value )(.+?)(?=; |$)")


def redact(text: str) -> str:
    """``text`` with every value after a secret-looking name (and every rejected variable value) hidden."""
    text = _GOT_INVALID_VALUE.sub(r"\1(hidden)", text)
    return _SECRET_VALUE.sub(lambda match: f"{match['name']}(hidden)", text)


def trace_id_of(traceparent: str | None) -> str | None:
    """The trace id of a W3C ``traceparent`` header (``00-<trace id>-<span id>-<flags>``)."""
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 and len(parts[1]) == 32 else None


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self._service = service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self._service,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, var in (("request_id", REQUEST_ID), ("trace_id", TRACE_ID), ("user_id", USER_ID)):
            value = var.get()
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class OneLineGraphQLErrors(logging.Filter):
    """On ``strawberry.execution``: one line per expected error, nothing for internal ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.msg
        if not isinstance(error, GraphQLError):
            return True
        original = error.original_error
        extensions = getattr(original, "extensions", None) if original else error.extensions
        if original is not None and not isinstance(extensions, dict):
            return False  # internal: logged with its traceback by MaskInternalErrors
        code = (extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
        path = ".".join(str(part) for part in error.path or ()) or "-"
        record.msg = "%s at %s: %s"
        record.args = (code, path, redact(error.message))
        record.levelno, record.levelname = logging.INFO, "INFO"
        record.exc_info = record.exc_text = record.stack_info = None
        return True


_GRAPHQL_ERRORS = OneLineGraphQLErrors()


def quiet_graphql_errors() -> None:
    """Install :class:`OneLineGraphQLErrors` (idempotent; every subgraph app calls it)."""
    logger = logging.getLogger("strawberry.execution")
    if _GRAPHQL_ERRORS not in logger.filters:
        logger.addFilter(_GRAPHQL_ERRORS)


def configure_logging(*, service: str, level: str = "INFO", json_lines: bool) -> None:
    """Send every record at ``level`` and above to stderr, as JSON lines or human lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service) if json_lines else logging.Formatter(HUMAN_FORMAT))
    root = logging.getLogger()
    for existing in root.handlers[:]:
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    quiet_graphql_errors()
