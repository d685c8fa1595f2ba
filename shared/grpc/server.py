"""The gRPC server every service with internal RPCs runs: health checking always on.

``GrpcServer`` is a :class:`~shared.lifecycle.Worker`: ``start()`` binds the
address (raising ``OSError`` when it is taken), registers the standard
``grpc.health.v1.Health`` service and the given services, starts serving and
reports every service, and the server as a whole (``""``), as SERVING.
``stop()`` reports NOT_SERVING first, then lets open calls finish for
``grace`` seconds.

With a ``shedder`` (``beyond serve`` gives every gRPC server the service's
settings' one, see :mod:`shared.resilience.shedder`), a call past capacity is
answered at once with RESOURCE_EXHAUSTED and an OVERLOADED ``beyond-error``
trailer, before the servicer runs: callers retry reads on another replica and
fail a mutation with OVERLOADED (``retryAfter``). Health checks are never shed.

A call runs inside its caller's deadline (:mod:`shared.resilience.deadline`),
so the calls it makes in turn end no later than the caller stops waiting.
Servicers may raise :class:`~shared.errors.BeyondError`: an interceptor turns
it into the matching status and the ``beyond-error`` trailer (see
:mod:`shared.grpc.errors`). Unary-unary and unary-stream methods are covered;
streaming methods may be async generators or write to the context.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from shared.errors import BeyondError
from shared.grpc.errors import status_of
from shared.resilience.deadline import deadline_scope
from shared.resilience.shedder import Shedder
from shared.telemetry.tracing import server_span

SERVER_OPTIONS: tuple[tuple[str, int], ...] = (
    # Fail to start when another process has the port, instead of sharing it.
    ("grpc.so_reuseport", 0),
    # Accept the keepalive pings shared.grpc.client channels send.
    ("grpc.http2.min_recv_ping_interval_without_data_ms", 20_000),
    ("grpc.keepalive_permit_without_calls", 1),
)


@dataclass(frozen=True, slots=True)
class GrpcService:
    """One service to serve, e.g. ``GrpcService(name=accounts_pb2.DESCRIPTOR
    .services_by_name["Accounts"].full_name, servicer=AccountsServicer(…),
    add_to_server=accounts_pb2_grpc.add_AccountsServicer_to_server)``."""

    name: str
    servicer: Any
    add_to_server: Callable[[Any, grpc.aio.Server], None]


_UNSHED = "/grpc.health.v1.Health/"


def _admit(shedder: Shedder | None, method: str) -> Callable[[], None]:
    """Admission for one call (raising Overloaded past capacity); call the result when done."""
    if shedder is None or method.startswith(_UNSHED):
        return _nothing
    return shedder.admit()


def _nothing() -> None:
    return None


def _unary(
    behavior: Callable[..., Any], method: str, shedder: Shedder | None
) -> Callable[..., Any]:
    async def call(request: Any, context: grpc.aio.ServicerContext) -> Any:
        with server_span(method, context.invocation_metadata()):
            try:
                done = _admit(shedder, method)
                try:
                    with deadline_scope(context.time_remaining()):
                        return await behavior(request, context)
                finally:
                    done()
            except BeyondError as error:
                await context.abort(*status_of(error))

    return call


def _streaming(
    behavior: Callable[..., Any], method: str, shedder: Shedder | None
) -> Callable[..., Any]:
    async def call(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        with server_span(method, context.invocation_metadata()):
            try:
                done = _admit(shedder, method)
                try:
                    with deadline_scope(context.time_remaining()):
                        async for response in behavior(request, context):
                            yield response
                finally:
                    done()
            except BeyondError as error:
                await context.abort(*status_of(error))

    return call


class _BeyondErrorStatus(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    def __init__(self, shedder: Shedder | None) -> None:
        self._shedder = shedder

    async def intercept_service(
        self, continuation: Callable[..., Any], handler_call_details: Any
    ) -> Any:
        handler = await continuation(handler_call_details)
        if handler is None:
            return None
        method = str(handler_call_details.method)
        if handler.unary_unary is not None:
            return handler._replace(unary_unary=_unary(handler.unary_unary, method, self._shedder))
        if handler.unary_stream is not None:
            behavior = handler.unary_stream
            wrap = _streaming if inspect.isasyncgenfunction(behavior) else _unary
            return handler._replace(unary_stream=wrap(behavior, method, self._shedder))
        return handler


class GrpcServer:
    def __init__(
        self,
        services: Sequence[GrpcService],
        *,
        address: str,
        grace: float = 5.0,
        shedder: Shedder | None = None,
    ) -> None:
        self._services = tuple(services)
        self._shedder = shedder
        self._address = address
        self._grace = grace
        self._server: grpc.aio.Server | None = None
        self._health: health.aio.HealthServicer | None = None
        self.port: int | None = None
        """The bound port once started (useful with an address ending in ``:0``)."""

    @property
    def name(self) -> str:
        return f"gRPC server on {self._address}"

    async def start(self) -> None:
        server = grpc.aio.server(
            interceptors=[_BeyondErrorStatus(self._shedder)], options=SERVER_OPTIONS
        )
        checker = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(checker, server)
        for service in self._services:
            service.add_to_server(service.servicer, server)
        try:
            self.port = server.add_insecure_port(self._address)
        except RuntimeError:
            raise OSError(
                f"could not listen for gRPC on {self._address}: is another process using it?"
            ) from None
        await server.start()
        for name in ("", *(service.name for service in self._services)):
            await checker.set(name, health_pb2.HealthCheckResponse.SERVING)
        self._server, self._health = server, checker

    async def stop(self) -> None:
        if self._server is None or self._health is None:
            return
        await self._health.enter_graceful_shutdown()
        await self._server.stop(self._grace)
        self._server = self._health = None
