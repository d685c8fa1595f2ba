"""Error masking: what a client may read, and what only the logs may."""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from shared.errors import BeyondError, ErrorCode

log = logging.getLogger("beyond.errors")


def _is_internal(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, BeyondError)


class MaskInternalErrors(MaskErrors):
    """Replaces every unexpected exception by ``INTERNAL`` with the request id, logging the cause."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_internal)

    def _process_result(self, result: object) -> None:
        # Strawberry checks ``result`` against a runtime-checkable protocol, which costs
        # about 15 µs: paid for every subscription event, per subscriber.
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "unknown")
        log.error(
            "internal error at %s (request %s)",
            ".".join(str(p) for p in error.path or ()),
            request_id,
            exc_info=error.original_error,
        )
        return GraphQLError(
            message=f"Internal server error. Quote request id {request_id} when reporting it.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": ErrorCode.INTERNAL.value, "requestId": request_id},
        )
