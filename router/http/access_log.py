"""One ``router.access`` line per operation: name, HTTP status, milliseconds, subgraphs asked.

Written at INFO (``beyond dev`` shows them; ``beyond router`` only with
``--access-log``; a router whose ``router.access`` logger is not at INFO pays
only an ``isEnabledFor`` check per request). The time is
until the answer starts (a stream's first part). :class:`AskedSubgraphs`
wraps the transport to note which subgraphs the current operation asked;
the request id goes into :data:`shared.logs.REQUEST_ID` for every record
logged while the request runs.
"""

from __future__ import annotations

import logging
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass, field

from router.transport.types import SubgraphRequest, SubgraphResponse, Transport
from shared.logs import REQUEST_ID, TRACE_ID, trace_id_of

ACCESS_LOGGER = "router.access"
log = logging.getLogger(ACCESS_LOGGER)


@dataclass(slots=True)
class _Entry:
    started: float
    operation: str | None = None
    asked: set[str] = field(default_factory=set)


# The name of a document's first operation, after any comments: what a client did not
# repeat in operationName (one operation per document, as clients send them).
_FIRST_NAME = re.compile(r"(?:\s|,|#[^\n]*)*(?:query|mutation|subscription)\s+([_A-Za-z]\w*)")

_CURRENT: ContextVar[_Entry | None] = ContextVar("router_access_entry", default=None)


def begin(request_id: str, traceparent: str | None) -> None:
    """Start the current request's line (when INFO is on) and tag its log records."""
    REQUEST_ID.set(request_id)
    TRACE_ID.set(trace_id_of(traceparent))
    _CURRENT.set(_Entry(time.perf_counter()) if log.isEnabledFor(logging.INFO) else None)


def name_operation(operation_name: str | None, query: str) -> None:
    entry = _CURRENT.get()
    if entry is None:
        return
    match = None if operation_name else _FIRST_NAME.match(query)
    entry.operation = operation_name or (match.group(1) if match else None)


def end(status: int) -> None:
    """Write the current request's line, if :func:`begin` started one."""
    entry = _CURRENT.get()
    if entry is None:
        return
    _CURRENT.set(None)
    log.info(
        "%s %d %.1f ms subgraphs=%s",
        entry.operation or "(anonymous)",
        status,
        (time.perf_counter() - entry.started) * 1000,
        ",".join(sorted(entry.asked)) or "-",
    )


class AskedSubgraphs:
    """A transport noting each subgraph it is asked for in the current request's line."""

    def __init__(self, inner: Transport) -> None:
        self._inner = inner

    async def fetch(self, service_name: str, request: SubgraphRequest) -> SubgraphResponse:
        entry = _CURRENT.get()
        if entry is not None:
            entry.asked.add(service_name)
        return await self._inner.fetch(service_name, request)
