"""Client channels: keepalive, round-robin balancing, a default deadline, errors as BeyondError."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
from opentelemetry.trace import SpanKind

from shared.grpc.errors import error_of
from shared.telemetry.metrics import GRPC_CALLS, GRPC_SECONDS
from shared.telemetry.tracing import tracer, with_trace_context

# Keepalive pings only while calls are open (long server streams included), so
# a dead peer is noticed without pinging idle connections; servers accept them
# (see shared.grpc.server).
CHANNEL_OPTIONS: tuple[tuple[str, int | str], ...] = (
    ("grpc.lb_policy_name", "round_robin"),
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.http2.max_pings_without_data", 0),
)


class _Calls:
    """Gives each call the default deadline unless it has one, and maps failures."""

    def __init__(self, service: str, deadline: float) -> None:
        self._service = service
        self._deadline = deadline

    def details(self, details: Any) -> Any:
        """The call's details with the default deadline and the current trace context."""
        return details._replace(
            timeout=self._deadline if details.timeout is None else details.timeout,
            metadata=with_trace_context(details.metadata),
        )

    def error(self, error: grpc.aio.AioRpcError, details: Any) -> Exception:
        return error_of(error, service=self._service, timeout=details.timeout)

    def observe(self, details: Any, code: grpc.StatusCode, started: float) -> None:
        method = _method(details)
        GRPC_CALLS.labels(self._service, method, code.name).inc()
        GRPC_SECONDS.labels(self._service, method).observe(time.perf_counter() - started)


class _UnaryUnary(grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    def __init__(self, calls: _Calls) -> None:
        self._calls = calls

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        with tracer().start_as_current_span(_method(client_call_details), kind=SpanKind.CLIENT):
            details = self._calls.details(client_call_details)
            started = time.perf_counter()
            call = await continuation(details, request)
            try:
                response = await call
            except grpc.aio.AioRpcError as exc:
                self._calls.observe(details, exc.code(), started)
                raise self._calls.error(exc, details) from None
            self._calls.observe(details, grpc.StatusCode.OK, started)
            return response


class _UnaryStream(grpc.aio.UnaryStreamClientInterceptor):  # type: ignore[misc]
    def __init__(self, calls: _Calls) -> None:
        self._calls = calls

    async def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> AsyncIterator[Any]:
        details = self._calls.details(client_call_details)
        started = time.perf_counter()
        call = await continuation(details, request)

        async def responses() -> AsyncIterator[Any]:
            try:
                async for response in call:
                    yield response
            except grpc.aio.AioRpcError as exc:
                self._calls.observe(details, exc.code(), started)
                raise self._calls.error(exc, details) from None
            self._calls.observe(details, grpc.StatusCode.OK, started)

        return responses()


def _method(details: Any) -> str:
    method = details.method
    return method.decode() if isinstance(method, bytes) else str(method)


def create_channel(
    target: str,
    *,
    service: str,
    deadline: float = 2.0,
    options: tuple[tuple[str, int | str], ...] = (),
) -> grpc.aio.Channel:
    """A channel to ``service`` at ``target`` (``host:port``, or ``dns:///name:port`` to balance).

    Unary-unary and unary-stream calls get ``deadline`` seconds unless the
    caller passes ``timeout=``, and raise :class:`~shared.errors.BeyondError`
    subclasses instead of ``AioRpcError`` (see :mod:`shared.grpc`). A server
    stream's deadline covers the whole stream: pass a longer ``timeout=`` for
    long ones. Create it inside the running event loop (a channel is bound to
    the loop it was made in) and close it with ``await channel.close()``.
    """
    calls = _Calls(service, deadline)
    return grpc.aio.insecure_channel(
        target,
        options=[*CHANNEL_OPTIONS, *options],
        interceptors=[_UnaryUnary(calls), _UnaryStream(calls)],
    )
