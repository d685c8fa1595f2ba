"""A Strawberry extension counting a subgraph's operations and its errors by code."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from shared.errors import BeyondError, ErrorCode
from shared.telemetry.metrics import OPERATIONS, RESOLVER_ERRORS


def _service(context: Any) -> str:
    """The app's title, which ``create_service_app`` sets to the service name."""
    caller = getattr(context, "caller", None)
    request = getattr(caller, "request", None) or getattr(context, "request", None)
    app = request.scope.get("app") if request is not None else None
    return str(getattr(app, "title", "unknown"))


def _code(error: Any) -> str:
    original = getattr(error, "original_error", None)
    if isinstance(original, BeyondError):
        return original.code.value
    extensions = getattr(error, "extensions", None) or {}
    return str(extensions.get("code") or ErrorCode.INTERNAL.value)


def operation_type_of(context: ExecutionContext) -> str:
    try:
        return context.operation_type.value
    except RuntimeError:  # the document did not parse
        return "unknown"


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        operation_type = operation_type_of(context)
        result = context.result
        errors = list(getattr(result, "errors", None) or context.pre_execution_errors or ())
        if not errors:
            outcome = "success"
        elif getattr(result, "data", None) is not None:
            outcome = "partial"
        else:
            outcome = "error"
        service = _service(context.context)
        OPERATIONS.labels(service, operation_type, outcome).inc()
        for error in errors:
            RESOLVER_ERRORS.labels(service, _code(error)).inc()
