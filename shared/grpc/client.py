"""Client channels: keepalive, a default deadline bounded by the caller's, a breaker, errors as BeyondError.

Every call first asks the channel's :class:`~shared.resilience.breaker.Breaker`
(one per target, so per endpoint when each replica has its channel), which
fails it fast with UNAVAILABLE while the target keeps failing. Its timeout is
the channel's deadline, or the call's own ``timeout=``, shortened to what is
left of the current request's deadline (:mod:`shared.resilience.deadline`).
Unary calls to methods their ``.proto`` declares free of side effects
(:mod:`shared.grpc.idempotency`), or named in ``idempotent``, are retried when
the target was unreachable or shed the call, within a retry budget shared by
the channel, with jittered backoff and never past the deadline; no other call
is retried.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Collection
from typing import Any

import grpc
from opentelemetry.trace import SpanKind

from shared.grpc.errors import error_of, is_overloaded
from shared.grpc.idempotency import declared_idempotent
from shared.resilience.breaker import Breaker
from shared.resilience.deadline import bounded
from shared.resilience.retry import RetryBudget, retrying
from shared.telemetry.metrics import GRPC_CALLS, GRPC_SECONDS
from shared.telemetry.tracing import tracer, with_trace_context

# Statuses meaning the target could not do its job; any other answer, errors of the
# caller's making included, shows the target working (as go-zero's breaker counts them).
FAILURES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.DATA_LOSS,
        grpc.StatusCode.UNIMPLEMENTED,
    }
)


def failed(error: grpc.aio.AioRpcError) -> bool:
    """Whether the target failed to do its job (a rate limit answered is the caller's doing)."""
    if error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return is_overloaded(error)
    return error.code() in FAILURES


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


def _method(details: Any) -> str:
    method = details.method
    return method.decode() if isinstance(method, bytes) else str(method)


class _Calls:
    """Gives each call its deadline, asks the breaker, records the outcome, and maps failures."""

    def __init__(
        self,
        service: str,
        deadline: float,
        breaker: Breaker,
        idempotent: Collection[str],
        *,
        retries: bool,
    ) -> None:
        self._service = service
        self._deadline = deadline
        self.breaker = breaker
        self._idempotent = frozenset(idempotent)
        self._retries = retries
        self._budget = RetryBudget()

    def retried(self, method: str) -> bool:
        return self._retries and (method in self._idempotent or declared_idempotent(method))

    def details(self, details: Any) -> Any:
        """The call's deadline (bounded by the request's) and the current trace context."""
        timeout = self._deadline if details.timeout is None else details.timeout
        return details._replace(
            timeout=bounded(timeout), metadata=with_trace_context(details.metadata)
        )

    def record(self, error: grpc.aio.AioRpcError | None) -> None:
        self.breaker.record(accepted=error is None or not failed(error))

    def error(self, error: grpc.aio.AioRpcError, details: Any) -> Exception:
        return error_of(error, service=self._service, timeout=details.timeout)

    def observe(self, details: Any, code: grpc.StatusCode, started: float) -> None:
        method = _method(details)
        GRPC_CALLS.labels(self._service, method, code.name).inc()
        GRPC_SECONDS.labels(self._service, method).observe(time.perf_counter() - started)

    async def unary(self, continuation: Callable[..., Any], details: Any, request: Any) -> Any:
        details = self.details(details)

        async def attempt() -> Any:
            self.breaker.allow()
            started = time.perf_counter()
            call = await continuation(details, request)
            try:
                reply = await call
            except grpc.aio.AioRpcError as exc:
                self.record(exc)
                self.observe(details, exc.code(), started)
                raise
            self.record(None)
            self.observe(details, grpc.StatusCode.OK, started)
            return reply

        if not self.retried(_method(details)):
            call = attempt
        else:

            async def call() -> Any:
                return await retrying(
                    attempt,
                    budget=self._budget,
                    retryable=retryable_status,
                    deadline=time.monotonic() + details.timeout,
                )

        try:
            return await call()
        except grpc.aio.AioRpcError as exc:
            raise self.error(exc, details) from None


# UNAVAILABLE: the target could not be reached or stopped mid-call; RESOURCE_EXHAUSTED
# with OVERLOADED: it shed the call before doing any of it (see shared.grpc.server).
_RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED})


def retryable_status(error: Exception) -> bool:
    """Whether a read that failed with ``error`` may be sent again."""
    if not isinstance(error, grpc.aio.AioRpcError) or error.code() not in _RETRYABLE:
        return False
    if error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return is_overloaded(error)
    return True


class _UnaryUnary(grpc.aio.UnaryUnaryClientInterceptor):  # type: ignore[misc]
    def __init__(self, calls: _Calls) -> None:
        self._calls = calls

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> Any:
        with tracer().start_as_current_span(_method(client_call_details), kind=SpanKind.CLIENT):
            return await self._calls.unary(continuation, client_call_details, request)


class _UnaryStream(grpc.aio.UnaryStreamClientInterceptor):  # type: ignore[misc]
    def __init__(self, calls: _Calls) -> None:
        self._calls = calls

    async def intercept_unary_stream(
        self, continuation: Callable[..., Any], client_call_details: Any, request: Any
    ) -> AsyncIterator[Any]:
        details = self._calls.details(client_call_details)
        self._calls.breaker.allow()
        started = time.perf_counter()
        call = await continuation(details, request)

        async def responses() -> AsyncIterator[Any]:
            try:
                async for response in call:
                    yield response
            except grpc.aio.AioRpcError as exc:
                self._calls.record(exc)
                self._calls.observe(details, exc.code(), started)
                raise self._calls.error(exc, details) from None
            self._calls.record(None)
            self._calls.observe(details, grpc.StatusCode.OK, started)

        return responses()


def create_channel(
    target: str,
    *,
    service: str,
    deadline: float = 2.0,
    options: tuple[tuple[str, int | str], ...] = (),
    breaker: Breaker | None = None,
    idempotent: Collection[str] = (),
    retries: bool = True,
) -> grpc.aio.Channel:
    """A channel to ``service`` at ``target`` (``host:port``, or ``dns:///name:port`` to balance).

    Unary-unary and unary-stream calls get ``deadline`` seconds unless the
    caller passes ``timeout=``, and raise :class:`~shared.errors.BeyondError`
    subclasses instead of ``AioRpcError`` (see :mod:`shared.grpc`). A server
    stream's deadline covers the whole stream: pass a longer ``timeout=`` for
    long ones. Create it inside the running event loop (a channel is bound to
    the loop it was made in) and close it with ``await channel.close()``.
    ``idempotent`` lists full method names (``/pkg.Service/Method``) that may
    be retried beside those the ``.proto`` declares; ``retries=False`` retries
    nothing (a :class:`~shared.grpc.balanced.BalancedChannel` retries across
    endpoints itself). ``breaker`` defaults to one of its own, named
    ``service``, for ``target``.
    """
    breaker = breaker or Breaker(service, target=target)
    calls = _Calls(service, deadline, breaker, idempotent, retries=retries)
    return grpc.aio.insecure_channel(
        target,
        options=[*CHANNEL_OPTIONS, *options],
        interceptors=[_UnaryUnary(calls), _UnaryStream(calls)],
    )
